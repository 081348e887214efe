"""InboundFederation: every sign-in through an identity provider, before the user is made or
updated. Keeps the provider's claims but lower-cases the email and drops oversized claims, so that
the provider's AttributeMapping reads tidy values. Returning {} would keep them all."""


def handler(event, context):
    attributes = event["request"]["attributes"]
    claims = {**attributes.get("idToken", {}), **attributes.get("userInfo", {})}
    kept = {name: value for name, value in claims.items() if isinstance(value, str) and len(value) <= 2048}
    if "email" in kept:
        kept["email"] = kept["email"].lower()
    event["response"]["userAttributesToMap"] = kept
    return event
