"""Task 11: another AWS account may invoke layer-consumer-<id>."""

from typing import Any

from checks import policy_evaluation
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(11, "Cross-account invoke", points=6)
FUNCTION = "layer-consumer"
STATEMENT_ID = "AllowCrossAccountInvoke"
HINT = (
    f"aws lambda add-permission --function-name layer-consumer-{{sid}} --statement-id {STATEMENT_ID} "
    f"--action lambda:InvokeFunction --principal {shell.placeholder('trusted-account-id')}"
)


def grant_fix(ctx: Context, policy: Any, removed: tuple[str, ...] = ()) -> str:
    """add-permission for the trusted account, after removing ``removed`` and a statement that already holds
    its statement id: AWS refuses a statement id twice (ResourceConflictException, "The statement id (...)
    provided already exists"; tests/recordings/lambda/AddPermission.json statement-id-exists)."""
    sids = {str(s.get("Sid")) for s in policy_evaluation.statements(policy) if s.get("Sid")}
    removing = list(dict.fromkeys([*removed, *([STATEMENT_ID] if STATEMENT_ID in sids else [])]))
    removals = [shell.aws("lambda", "remove-permission", "--function-name", ctx.name(FUNCTION), "--statement-id", sid)
                for sid in removing]
    return shell.fix(*removals, ctx.fill(HINT))


@TASK.check("11.1", "layer-consumer-<id> has a resource-based policy", points=2, hint=HINT, requires="2.1")
def has_policy(ctx: Context) -> Verdict:
    policy = ctx.facts.function_policy(ctx.name(FUNCTION))
    if not policy_evaluation.statements(policy):
        return failed(f"{ctx.name(FUNCTION)} has no resource-based policy")
    return passed(f"{len(policy_evaluation.statements(policy))} statement(s)")


def direct_request(ctx: Context, account: str | None) -> dict[str, Any]:
    """What a direct Invoke by a principal of ``account`` (None: anyone) carries for a condition: its account,
    over HTTPS; the keys only a service or a function URL brings (aws:SourceArn, aws:SourceAccount,
    lambda:FunctionUrlAuthType, lambda:InvokedViaFunctionUrl, lambda:EventSourceToken) are absent. Everything
    else, the caller's organization included, is unknown: a statement limited by it may not apply."""
    context = {"aws:SecureTransport": "true", "aws:RequestedRegion": ctx.region}
    if account is not None:
        context["aws:PrincipalAccount"] = account
    return {"context": context, "absent": ("aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner",
                                           "lambda:FunctionUrlAuthType", "lambda:InvokedViaFunctionUrl",
                                           "lambda:EventSourceToken")}


@TASK.check("11.2", "Another account may invoke it", points=4, requires=has_policy, hint=HINT)
def other_account(ctx: Context) -> Verdict:
    policy = ctx.facts.function_policy(ctx.name(FUNCTION))
    function = ctx.arn("lambda", f"function:{ctx.name(FUNCTION)}")
    documents = [policy]
    public: list[str] = []  # the Sids of statements open to anyone
    granted: dict[str, str] = {}  # another account -> who in it may invoke
    limited: list[str] = []  # statements for another account or anyone that may not apply: what limits them
    for statement in policy_evaluation.statements(policy):
        if statement.get("Effect") != "Allow" or not policy_evaluation.statement_covers(statement, "lambda:InvokeFunction"):
            continue
        for principal in policy_evaluation.statement_principals(statement):
            account = None if principal.everyone else principal.account
            if not principal.everyone and (account is None or account == ctx.account):
                continue
            request = dict(direct_request(ctx, account), principal=principal)
            applies = policy_evaluation.statement_applies(statement, "lambda:InvokeFunction", function, **request)
            if applies is not True or not policy_evaluation.allows(documents, "lambda:InvokeFunction", function,
                                                                     **request):
                if applies is None:
                    limited.append(f"{principal} under {', '.join(policy_evaluation.limits(statement))}")
                continue
            if principal.everyone:
                public.append(str(statement.get("Sid") or shell.placeholder("public-statement-id")))
            else:
                granted.setdefault(account, str(principal))
    if granted:
        others = sorted(granted)
        return passed(f"{', '.join(granted[a] for a in others)} may invoke it", accounts=others)
    if public:
        return failed("the policy lets anyone (*) invoke the function: name one trusted account instead",
                      hint=grant_fix(ctx, policy, tuple(public)), public=public)
    if limited:
        return failed(f"no statement certainly lets another account invoke it: {'; '.join(limited)} may not apply "
                      "to a direct call (name the trusted account without conditions)", hint=grant_fix(ctx, policy),
                      limited=limited)
    own = any(p.account == ctx.account for s in policy_evaluation.statements(policy)
              for p in policy_evaluation.statement_principals(s))
    if own:
        return failed(f"only your own account {ctx.account} may invoke it; name a different account",
                      hint=grant_fix(ctx, policy))
    return failed("no statement allows another account lambda:InvokeFunction", hint=grant_fix(ctx, policy))
