"""PostAuthentication: records the sign-in."""


def handler(event, context):
    print(f"signed in {event['userName']}, new device: {event['request'].get('newDeviceUsed')}")
    return event
