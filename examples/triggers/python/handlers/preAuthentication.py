"""PreAuthentication: a sign-in whose ClientMetadata (validationData) says "maintenance" is turned away."""


def handler(event, context):
    if (event["request"].get("validationData") or {}).get("maintenance") == "true":
        raise Exception("Sign-in is paused for maintenance.")
    return event
