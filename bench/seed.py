"""Creates the load benchmark's pool, client and user, and writes the request bodies wrk sends."""

import json
import sys

import boto3

url, out = sys.argv[1], sys.argv[2]
idp = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                   aws_access_key_id="AKIABENCHCOGNATE0001", aws_secret_access_key="bench-secret")
pool = idp.create_user_pool(PoolName="bench", Policies={"PasswordPolicy": {"MinimumLength": 8}})["UserPool"]["Id"]
client = idp.create_user_pool_client(UserPoolId=pool, ClientName="bench",
                                     ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
client_id = client["UserPoolClient"]["ClientId"]
idp.admin_create_user(UserPoolId=pool, Username="bench", MessageAction="SUPPRESS")
idp.admin_set_user_password(UserPoolId=pool, Username="bench", Password="Bench-Pass-1", Permanent=True)
tokens = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                           AuthParameters={"USERNAME": "bench", "PASSWORD": "Bench-Pass-1"})["AuthenticationResult"]
bodies = {
    "pool": pool,
    "client": client_id,
    "GetUser": json.dumps({"AccessToken": tokens["AccessToken"]}),
    "RefreshTokenAuth": json.dumps({"ClientId": client_id, "AuthFlow": "REFRESH_TOKEN_AUTH",
                                    "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}}),
    "UserPasswordAuth": json.dumps({"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
                                    "AuthParameters": {"USERNAME": "bench", "PASSWORD": "Bench-Pass-1"}}),
}
json.dump(bodies, open(out, "w"))
