"""PreSignUp: people from example.com are confirmed and verified at once; a blocked domain is refused."""


def handler(event, context):
    email = event["request"]["userAttributes"].get("email", "")
    if email.endswith("@blocked.example"):
        raise Exception("Registration from this domain is not allowed.")
    if email.endswith("@example.com") and event["triggerSource"] == "PreSignUp_SignUp":
        event["response"]["autoConfirmUser"] = True
        event["response"]["autoVerifyEmail"] = True
    return event
