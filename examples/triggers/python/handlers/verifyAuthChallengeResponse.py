"""VerifyAuthChallengeResponse: right when the answer is the sum."""


def handler(event, context):
    expected = event["request"]["privateChallengeParameters"]["answer"]
    event["response"]["answerCorrect"] = event["request"]["challengeAnswer"].strip() == expected
    return event
