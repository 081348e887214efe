"""DefineAuthChallenge: one question; a right answer signs the user in, three wrong ones end it."""


def handler(event, context):
    session = event["request"]["session"]
    last = session[-1] if session else None
    wrong = sum(1 for s in session if s["challengeName"] == "CUSTOM_CHALLENGE" and not s["challengeResult"])
    if last and last["challengeName"] == "SRP_A":
        event["response"]["challengeName"] = "PASSWORD_VERIFIER"
    elif last and last["challengeName"] == "CUSTOM_CHALLENGE" and last["challengeResult"]:
        event["response"]["issueTokens"] = True
        event["response"]["failAuthentication"] = False
    elif wrong >= 3 or (last and last["challengeName"] == "PASSWORD_VERIFIER" and not last["challengeResult"]):
        event["response"]["failAuthentication"] = True
    else:
        event["response"]["challengeName"] = "CUSTOM_CHALLENGE"
    return event
