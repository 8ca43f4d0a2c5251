"""The official MCP Python client (`mcp` on PyPI) driven by a plan: MCPClientTests runs it against a real server.

Reads a JSON plan on stdin and prints one JSON object on stdout:
  plan:   {"transport": "http", "url": ..., "key": ..., "mode": "auto"}
          or {"transport": "stdio", "command": ..., "args": [...], "env": {...}}
          and "calls": [{"tool": name, "arguments": {...}}, ...]; an argument "$N.path.to" is taken from the
          structured result of call N
  answer: {"protocolVersion", "serverName", "tools": [tool as JSON], "results": [{"isError", "structured", "text"}]}
"""
import asyncio
import json
import sys

from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client


def resolve(value, results):
    if isinstance(value, str) and value.startswith("$"):
        index, *path = value[1:].split(".")
        found = results[int(index)]["structured"]
        try:
            for key in path:
                found = found[int(key)] if isinstance(found, list) else found[key]
        except (IndexError, KeyError, TypeError, ValueError):
            return None  # what the reference named is not there: the call goes with null, and its test says so
        return found
    if isinstance(value, dict):
        return {key: resolve(item, results) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, results) for item in value]
    return value


async def run(plan):
    if plan["transport"] == "http":
        http = create_mcp_http_client(headers={"Authorization": "Bearer " + plan["key"]})
        server = streamable_http_client(plan["url"], http_client=http)
    else:
        server = StdioServerParameters(command=plan["command"], args=plan["args"], env=plan["env"])
    answer = {"results": []}
    async with Client(server, mode=plan.get("mode", "auto")) as client:
        answer["protocolVersion"] = str(client.session.protocol_version)
        listed = await client.list_tools()
        answer["tools"] = [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in listed.tools]
        for call in plan["calls"]:
            result = await client.call_tool(call["tool"], resolve(call["arguments"], answer["results"]))
            answer["results"].append({
                "isError": bool(result.is_error),
                "structured": result.structured_content,
                "text": "\n".join(part.text for part in result.content if getattr(part, "text", None) is not None),
            })
    print(json.dumps(answer))


asyncio.run(run(json.load(sys.stdin)))
