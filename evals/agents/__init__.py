"""Agents: the agent under test (Inspect's ReAct loop) and the scripted reference agents."""
