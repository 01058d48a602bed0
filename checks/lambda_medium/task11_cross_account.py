"""Task 11: another AWS account may invoke layer-consumer-<id>."""

import re

from checks import policy_evaluation
from checks.shared import principals
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(11, "Cross-account invoke", points=6)
FUNCTION = "layer-consumer"
HINT = (
    "aws lambda add-permission --function-name layer-consumer-{sid} --statement-id AllowCrossAccountInvoke "
    f"--action lambda:InvokeFunction --principal {shell.placeholder('trusted-account-id')}"
)
ACCOUNT_PRINCIPAL = re.compile(r"^(?:(\d{12})|arn:aws[a-z-]*:iam::(\d{12}):root)$")


@TASK.check("11.1", "layer-consumer-<id> has a resource-based policy", points=2, hint=HINT, requires="2.1")
def has_policy(ctx: Context) -> Verdict:
    policy = ctx.facts.function_policy(ctx.name(FUNCTION))
    if not policy_evaluation.statements(policy):
        return failed(f"{ctx.name(FUNCTION)} has no resource-based policy")
    return passed(f"{len(policy_evaluation.statements(policy))} statement(s)")


@TASK.check("11.2", "Another account may invoke it", points=4, requires=has_policy, hint=HINT)
def other_account(ctx: Context) -> Verdict:
    policy = ctx.facts.function_policy(ctx.name(FUNCTION))
    public: list[str] = []  # the Sids of statements open to anyone
    accounts = set()
    for statement in policy_evaluation.statements(policy):
        if statement.get("Effect") != "Allow" or not policy_evaluation.statement_covers(statement, "lambda:InvokeFunction"):
            continue
        for principal in principals(statement, "AWS"):
            if principal == "*":
                public.append(str(statement.get("Sid") or shell.placeholder("public-statement-id")))
            match = ACCOUNT_PRINCIPAL.match(principal)
            if match:
                accounts.add(match[1] or match[2])
    others = sorted(accounts - {ctx.account})
    if others:
        return passed(f"account {', '.join(others)} may invoke it", accounts=others)
    if public:
        removals = [shell.aws("lambda", "remove-permission", "--function-name", ctx.name(FUNCTION),
                              "--statement-id", sid) for sid in dict.fromkeys(public)]
        return failed("the policy lets anyone (*) invoke the function: name one trusted account instead",
                      hint=shell.fix(*removals, ctx.fill(HINT)), public=public)
    if accounts:
        return failed(f"only your own account {ctx.account} may invoke it; name a different account")
    return failed("no statement allows another account lambda:InvokeFunction")
