"""The agent under test: Inspect's ReAct loop as the Backend Worker, with bash and a text editor in the
sample's sandbox, the system prompt under test, the task's request as the user message, and its final
answer as the report. When a task's limit (messages, tokens, working time) is reached, the sample goes
on to scoring with what the agent did so far."""

from __future__ import annotations

from inspect_ai.agent import AgentPrompt, AgentSubmit, as_solver, react
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.tool import bash, text_editor
from inspect_ai.util import message_limit, token_limit, working_limit

from evals.agents.names import TOOL_TIMEOUT

AGENT_KINDS = ("react",)

SUBMIT_PROMPT = (
    "The repository is at /workspace (your working directory). When you have finished the task, call the "
    "`{submit}()` tool with your final report; the report is your answer."
)


@solver
def backend_worker(
    system_prompt: str, kind: str = "react", tool_timeout: int = TOOL_TIMEOUT, user: str | None = None
) -> Solver:
    """Runs the Backend Worker on one sample within the sample's limits (``metadata["limits"]``); its tools run
    as ``user`` (None: the sandbox's default user)."""
    if kind not in AGENT_KINDS:
        raise ValueError(f"unknown agent {kind!r}; available: {', '.join(AGENT_KINDS)}")
    agent = react(
        name="backend_worker",
        prompt=AgentPrompt(instructions=system_prompt, assistant_prompt=SUBMIT_PROMPT, submit_prompt=None),
        tools=[bash(timeout=tool_timeout, user=user), text_editor(timeout=tool_timeout, user=user)],
        submit=AgentSubmit(answer_only=True),
    )

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        limits = state.metadata.get("limits", {})
        run = as_solver(
            agent,
            limits=[
                message_limit(limits.get("messages")),
                token_limit(limits.get("tokens")),
                working_limit(limits.get("time")),
            ],
        )
        return await run(state, generate)

    return solve
