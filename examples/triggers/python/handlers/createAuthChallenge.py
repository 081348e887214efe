"""CreateAuthChallenge: a sum to work out; the answer stays private, for the verifier."""

import secrets


def handler(event, context):
    a, b = secrets.randbelow(8) + 2, secrets.randbelow(8) + 2
    event["response"]["publicChallengeParameters"] = {"question": f"What is {a} + {b}?"}
    event["response"]["privateChallengeParameters"] = {"answer": str(a + b)}
    event["response"]["challengeMetadata"] = f"SUM-{a}-{b}"
    return event
