"""PostConfirmation: welcomes the user (a log line here; a real one writes a profile row)."""


def handler(event, context):
    print(f"confirmed {event['userName']} ({event['triggerSource']})")
    return event
