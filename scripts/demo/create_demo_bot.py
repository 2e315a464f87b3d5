#!/usr/bin/env python3
"""The demo bot of `make run` (standard library only): against a running parley on PORT,
with the workspace's admin API key, makes a bot from scripts/demo/knowledge.json, waits
until its sources are ready, asks it a first question and prints how to chat with it.

    create_demo_bot.py PORT API_KEY WORKSPACE_ID
"""
import http.client
import json
import os
import sys
import time


def call(port, key, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": "Bearer " + key}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, data, headers)
    response = conn.getresponse()
    payload = response.read().decode()
    conn.close()
    if response.status >= 300:
        sys.exit(f"create_demo_bot: {method} {path} answered {response.status}: {payload}")
    return json.loads(payload) if payload else {}


def main():
    port, key, workspace = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    with open(os.path.join(os.path.dirname(__file__), "knowledge.json")) as f:
        knowledge = json.load(f)
    bot = call(port, key, "POST", f"/api/v1/workspaces/{workspace}/bots",
               {"name": "Parley demo", "language": "en",
                "settings": {"welcome_message": "Hi! Ask me anything about Parley.",
                             "suggested_questions": knowledge["questions"],
                             "allowed_origins": [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]}})
    bot_id = bot["id"]
    sources = [call(port, key, "POST", f"/api/v1/bots/{bot_id}/sources", dict(type="text", **t))
               for t in knowledge["texts"]]
    sources += [call(port, key, "POST", f"/api/v1/bots/{bot_id}/sources", dict(type="qa", **q))
                for q in knowledge["qa"]]
    deadline = time.time() + 60
    for source in sources:
        while True:
            status = call(port, key, "GET", f"/api/v1/bots/{bot_id}/sources/{source['id']}")["status"]
            if status in ("ready", "failed"):
                break
            if time.time() > deadline:
                sys.exit("create_demo_bot: the sources did not become ready within a minute")
            time.sleep(0.1)
    answer = call(port, key, "POST", f"/api/v1/bots/{bot_id}/chat",
                  {"message": "Do I need a language model?"})
    print(bot_id)
    print(answer["message"]["text"], file=sys.stderr)


if __name__ == "__main__":
    main()
