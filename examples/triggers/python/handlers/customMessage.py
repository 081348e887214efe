"""CustomMessage: Cruddur's own words around the code ({####} must stay in)."""


def handler(event, context):
    code = event["request"]["codeParameter"]
    if event["triggerSource"] == "CustomMessage_SignUp":
        event["response"]["emailSubject"] = "Welcome to Cruddur"
        event["response"]["emailMessage"] = f"Welcome to Cruddur! Your confirmation code is {code}."
        event["response"]["smsMessage"] = f"Cruddur code: {code}"
    return event
