"""UserMigration: users of the old system (a dict here) move over on their first sign-in, or when
they ask for a new password."""

LEGACY = {"legacy@example.com": {"password": "Legacy-Password-1", "name": "Lee Gacy"}}


def handler(event, context):
    user = LEGACY.get(event["userName"])
    if user is None:
        raise Exception("User not found")
    signing_in = event["triggerSource"] == "UserMigration_Authentication"
    if signing_in and event["request"]["password"] != user["password"]:
        raise Exception("Bad password")
    event["response"]["userAttributes"] = {"email": event["userName"], "email_verified": "true", "name": user["name"]}
    event["response"]["finalUserStatus"] = "CONFIRMED" if signing_in else "RESET_REQUIRED"
    event["response"]["messageAction"] = "SUPPRESS"
    return event
