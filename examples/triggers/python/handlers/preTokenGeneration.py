"""PreTokenGeneration V1_0: a tenant claim in the id token and the groups kept as they are."""


def handler(event, context):
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": {"tenant": "cruddur"},
        "groupOverrideDetails": event["request"]["groupConfiguration"],
    }
    return event
