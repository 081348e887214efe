"""AWS's input validation, generated from the service model botocore ships: for every action of
the model, one request per constraint kind of each of its top-level members (missing when
required, too short, too long, off the pattern, outside the enum, out of range, a list or map of
the wrong size), sent by boto3 with its own validation turned off, so that the server's answer is
what is checked: InvalidParameterException, "N validation error(s) detected", and the violation
in AWS's words at the member's path (the value left out where the model marks it sensitive).

The patterns are judged here by Python's `regex` module reading the model's Java patterns, an
engine independent of the server's."""

import importlib.util
import re

import boto3
import botocore.session
import pytest
import regex
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY_ID, ROOT, SECRET_ACCESS_KEY

MODEL = botocore.session.get_session().get_service_model("cognito-idp")


def generator_relaxations():
    """The constraints the generator leaves out because Cognito's servers do not apply them."""
    spec = importlib.util.spec_from_file_location("generator", ROOT / "scripts" / "gen-validation-model.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    return generator.RELAXED


RELAXED = generator_relaxations()


def readme_actions():
    """The README's table of every action: {action: whether it is listed as unsupported}."""
    text = (ROOT / "README.md").read_text()
    lines = text.split("### Every action", 1)[1].split("| action | answered | covered by |", 1)[1].splitlines()[2:]
    table = "\n".join(line for line in lines[: next(i for i, line in enumerate(lines) if not line.startswith("|"))])
    rows = re.findall(r"^\| ([A-Za-z]+) \| ([^|]*) \|", table, re.M)
    return {action: "UnsupportedOperationException" in state for action, state in rows}


UNSUPPORTED = {action for action, unsupported in readme_actions().items() if unsupported}
HEADER = re.compile(r"^[1-9][0-9]* validation errors? detected: ")
# Values tried, in order, for a string that must break its pattern but keep its lengths.
OFF_PATTERN = [" ", "\u0000", "\t", "!", "\u00e9", "_", "-", "a"]


def camel(name):
    return name[:1].lower() + name[1:]


def breaks(pattern, value):
    """Whether `value` breaks the Java `pattern` applied to the whole value, as AWS applies it."""
    return regex.fullmatch(pattern, value, flags=regex.ASCII) is None


def java(value):
    if isinstance(value, list):
        return "[" + ", ".join(java(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={java(v)}" for k, v in value.items()) + "}"
    return str(value)


def scalar_value(shape):
    """A value of a scalar shape that keeps every one of its rules, or None."""
    if shape.type_name == "string":
        if shape.enum:
            return shape.enum[0]
        metadata = shape.metadata
        if "pattern" in metadata:
            return None
        return "a" * max(metadata.get("min", 1), 1)
    if shape.type_name in ("integer", "long"):
        return shape.metadata.get("min", 1)
    return None


def cases():
    """(operation, member, request, expected violation text) for every constraint kind."""
    for op_name in MODEL.operation_names:
        shape = MODEL.operation_model(op_name).input_shape
        if shape is None:
            continue
        for name in shape.required_members:
            yield op_name, name, {}, f"Value null at '{camel(name)}' failed to satisfy constraint: Member must not be null"
        for name, member in shape.members.items():
            yield from member_cases(op_name, name, member)


def member_cases(op_name, name, member):
    path = camel(name)
    meta = {k: v for k, v in member.metadata.items() if k not in RELAXED.get(member.name, ())}
    sensitive = meta.get("sensitive", False)

    def expect(value, rule):
        shown = "" if sensitive else f"'{java(value)}' "
        return op_name, name, {name: value}, f"Value {shown}at '{path}' failed to satisfy constraint: {rule}"

    if member.type_name == "string":
        low, high = meta.get("min"), meta.get("max")
        if low:
            yield expect("", f"Member must have length greater than or equal to {low}")
        if high is not None and high < 5000:
            yield expect("a" * (high + 1), f"Member must have length less than or equal to {high}")
        if "pattern" in meta:
            size = max(low or 1, 1)
            for candidate in OFF_PATTERN:
                value = candidate * size
                if breaks(meta["pattern"], value):
                    yield expect(value, f"Member must satisfy regular expression pattern: {meta['pattern']}")
                    break
        if member.enum:
            yield expect("NOT_A_VALUE", "Member must satisfy enum value set: [")
    elif member.type_name in ("integer", "long"):
        if "min" in meta:
            yield expect(meta["min"] - 1, f"Member must have value greater than or equal to {meta['min']}")
        if "max" in meta:
            yield expect(meta["max"] + 1, f"Member must have value less than or equal to {meta['max']}")
    elif member.type_name == "list":
        element = scalar_value(member.member)
        if meta.get("min"):
            yield expect([], f"Member must have length greater than or equal to {meta['min']}")
        if "max" in meta and element is not None and meta["max"] < 1000:
            yield expect([element] * (meta["max"] + 1), f"Member must have length less than or equal to {meta['max']}")
        if member.member.type_name == "string" and member.member.enum:
            yield expect(["NOT_A_VALUE"], "Member must satisfy constraint: [Member must satisfy enum value set: [")
    elif member.type_name == "map":
        if meta.get("min"):
            yield expect({}, f"Member must have length greater than or equal to {meta['min']}")


CASES = list(cases())


@pytest.fixture(scope="module")
def unchecked(server):
    """boto3 with its own parameter validation off: what it sends is what the test wrote."""
    return boto3.client(
        "cognito-idp", endpoint_url=server.url, region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY,
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )


def test_the_cases_cover_every_action_and_every_kind():
    operations = {case[0] for case in CASES}
    assert operations == {op for op in MODEL.operation_names if MODEL.operation_model(op).input_shape is not None}
    kinds = ["must not be null", "length greater", "length less", "regular expression", "enum value set",
             "value greater", "value less", "Member must satisfy constraint: ["]
    for kind in kinds:
        assert any(kind in case[3] for case in CASES), kind
    assert len(CASES) > 500


def test_the_readme_lists_every_action_and_what_it_answers(unchecked):
    listed = readme_actions()
    assert sorted(listed) == sorted(MODEL.operation_names), "the README's table and the model differ"
    wrong = []
    for op_name in MODEL.operation_names:
        try:
            getattr(unchecked, botocore.xform_name(op_name))()
            code = "none"
        except ClientError as err:
            code = err.response["Error"]["Code"]
        if (code == "UnsupportedOperationException") != listed[op_name]:
            wrong.append(f"{op_name}: answers {code}, the README says {'un' if listed[op_name] else ''}supported")
    assert not wrong, "\n".join(wrong)


def test_every_constraint_of_every_action_is_answered_as_aws_answers(unchecked):
    failures = []
    for op_name, member, request, expected in CASES:
        if op_name in UNSUPPORTED:
            continue
        method = getattr(unchecked, botocore.xform_name(op_name))
        try:
            method(**request)
            failures.append(f"{op_name} {member}: accepted {request!r}")
            continue
        except ClientError as err:
            error = err.response["Error"]
        message = error.get("Message", "")
        if error["Code"] != "InvalidParameterException" or not HEADER.match(message) or expected not in message:
            failures.append(f"{op_name} {member} {request!r}: {error['Code']}: {message}\n    expected: {expected}")
    assert not failures, f"{len(failures)} of {len(CASES)} answers differ:\n" + "\n".join(failures[:40])


def test_sensitive_values_are_never_repeated(unchecked):
    secret = "Hunter 2 secret"
    with pytest.raises(ClientError) as raised:
        unchecked.sign_up(ClientId="x" * 200, Username=secret, Password=secret)
    message = raised.value.response["Error"]["Message"]
    assert "Value at 'password'" in message and "Value at 'username'" in message and "Value at 'clientId'" in message
    assert secret not in message


def test_nested_members_are_named_with_their_list_index(unchecked):
    with pytest.raises(ClientError) as raised:
        unchecked.create_user_pool(PoolName="p", Schema=[
            {"Name": "nickname", "AttributeDataType": "String"},
            {"Name": "custom1", "AttributeDataType": "Text"},
        ])
    assert raised.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'Text' at 'schema.2.member.attributeDataType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [String, Number, DateTime, Boolean]"
    )
