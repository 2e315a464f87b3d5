#!/usr/bin/env python3
"""Sets up a bot for the chat benchmarks through parley's real API (standard library only).

   setup_bot.py --parley BIN --data DIR --port PORT --out FILE [--corpus corpus.jsonl]
                [--queries queries.jsonl] [--questions FILE] [--target-chunks 10000]
                [--max-documents N] [--generative BASE_URL] [--model NAME] [--model-key KEY]

Against a running `parley serve` on 127.0.0.1:PORT whose data dir is DIR (and with
PARLEY_MASTER_KEY in the environment, for `parley admin bootstrap`):
  1. `parley admin bootstrap` makes the workspace and its admin key;
  2. POST /api/v1/workspaces/{ws}/keys makes a key with the chat scope only;
  3. POST /api/v1/workspaces/{ws}/bots makes the bot (messages_per_minute at its maximum, so
     that no visitor of the benchmark is throttled; generative with --generative);
  4. POST /api/v1/bots/{bot}/sources/bulk imports the corpus's abstracts as text sources
     (JSON Lines, 1,000 a request) until the bot holds about --target-chunks chunks; past
     the corpus's end, the abstracts come again as "(copy n)" sources (real text, more of
     it, as a bigger knowledge base would hold);
  5. waits until every source is ready, sums their chunk_count.
Writes FILE as JSON {workspace_id, admin_key, chat_key, bot_id, sources, chunks} and, with
--questions, the SciFact queries as ready JSON request bodies, one a line.
"""
import argparse
import http.client
import json
import os
import subprocess
import sys
import time


class Api:
    def __init__(self, port, key):
        self.port = port
        self.key = key
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method, path, body=None, content_type="application/json"):
        headers = {"Authorization": "Bearer " + self.key}
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            if isinstance(data, str):
                data = data.encode()
            headers["Content-Type"] = content_type
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        text = payload.decode()
        if response.status >= 300:
            raise SystemExit(f"setup_bot: {method} {path}: {response.status} {text[:500]}")
        return json.loads(text) if text else {}


def bootstrap(parley, data_dir, master_key=None):
    env = dict(os.environ)
    if master_key:
        env["PARLEY_MASTER_KEY"] = master_key
    done = subprocess.run(
        [parley, "admin", "bootstrap", "--data", data_dir, "--email", "bench@example.com",
         "--password", "correct horse battery staple", "--workspace", "Bench"],
        capture_output=True, text=True, env=env)
    for line in (done.stdout + "\n" + done.stderr).splitlines():
        if '"api_key"' in line:
            made = json.loads(line)
            return made["workspace_id"], made["api_key"]
    raise SystemExit(f"setup_bot: admin bootstrap failed ({done.returncode}): "
                     f"{done.stdout}{done.stderr}")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def list_sources(api, bot):
    sources, cursor = [], None
    while True:
        path = f"/api/v1/bots/{bot}/sources?limit=100"
        if cursor:
            path += "&cursor=" + cursor
        page = api.call("GET", path)
        sources += page["data"]
        cursor = page.get("next_cursor")
        if not cursor:
            return sources


def wait_ready(api, bot, expected, timeout=1800):
    """Waits until `expected` sources are ready; returns their chunk count."""
    give_up = time.time() + timeout
    while True:
        sources = list_sources(api, bot)
        failed = [s for s in sources if s["status"] == "failed"]
        if failed:
            raise SystemExit(f"setup_bot: {len(failed)} sources failed, e.g. {failed[0]['error']}")
        ready = [s for s in sources if s["status"] == "ready"]
        if len(sources) >= expected and len(ready) == len(sources):
            return sum(s["chunk_count"] for s in sources)
        if time.time() > give_up:
            raise SystemExit(f"setup_bot: {len(ready)} of {len(sources)} sources ready in time")
        time.sleep(0.5)


def import_until(api, bot, documents, target_chunks, max_documents):
    """Imports abstracts as text sources until about target_chunks; (sources, chunks)."""
    imported, chunks, batch = 0, 0, 1000
    while chunks < target_chunks and imported < max_documents:
        # Estimate how many more sources reach the target from the chunks per source so far.
        per_source = chunks / imported if imported else 1.0
        wanted = int((target_chunks - chunks) / per_source) + 1 if imported else batch
        wanted = min(max(wanted, 1), max_documents - imported)
        lines = []
        for i in range(imported, imported + wanted):
            doc = documents[i % len(documents)]
            copy = i // len(documents)
            title = doc["title"] + (f" (copy {copy})" if copy else "")
            lines.append(json.dumps({"type": "text", "title": title, "text": doc["text"],
                                     "external_id": f"scifact-{doc['_id']}-{copy}"}))
        for start in range(0, len(lines), batch):
            api.call("POST", f"/api/v1/bots/{bot}/sources/bulk",
                     "\n".join(lines[start:start + batch]) + "\n", "application/x-ndjson")
        imported += wanted
        chunks = wait_ready(api, bot, imported)
        print(f"setup_bot: {imported} sources, {chunks} chunks", file=sys.stderr)
    return imported, chunks


def setup(parley, data_dir, port, corpus, target_chunks, max_documents=1000000,
          generative=None, model="test-chat-1", model_key="sk-test-chat-key", master_key=None):
    """Steps 1 to 5; the dict written to --out. master_key: for `parley admin bootstrap`
    (else PARLEY_MASTER_KEY from the environment)."""
    workspace, admin_key = bootstrap(parley, data_dir, master_key)
    api = Api(port, admin_key)
    chat_key = api.call("POST", f"/api/v1/workspaces/{workspace}/keys",
                        {"name": "bench chat", "scopes": ["chat"]})["key"]
    settings = {"messages_per_minute": 600}
    if generative:
        settings["answer_mode"] = "generative"
        settings["model"] = {"base_url": generative, "model": model, "api_key": model_key}
    bot = api.call("POST", f"/api/v1/workspaces/{workspace}/bots",
                   {"name": "Bench", "language": "en", "settings": settings})["id"]
    started = time.time()
    sources, chunks = import_until(api, bot, read_jsonl(corpus), target_chunks, max_documents)
    return {"workspace_id": workspace, "admin_key": admin_key, "chat_key": chat_key,
            "bot_id": bot, "sources": sources, "chunks": chunks,
            "ingest_seconds": round(time.time() - started, 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parley", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--corpus", default="../shared/data/beir/scifact/corpus.jsonl")
    parser.add_argument("--queries", default="../shared/data/beir/scifact/queries.jsonl")
    parser.add_argument("--questions", help="write the chat request bodies here")
    parser.add_argument("--target-chunks", type=int, default=10000)
    parser.add_argument("--max-documents", type=int, default=1000000)
    parser.add_argument("--generative", metavar="BASE_URL")
    parser.add_argument("--model", default="test-chat-1")
    parser.add_argument("--model-key", default="sk-test-chat-key")
    args = parser.parse_args()

    made = setup(args.parley, args.data, args.port, args.corpus, args.target_chunks,
                 args.max_documents, args.generative, args.model, args.model_key)
    with open(args.out, "w") as f:
        json.dump(made, f)
    if args.questions:
        with open(args.questions, "w") as f:
            for query in read_jsonl(args.queries):
                f.write(json.dumps({"message": query["text"]}) + "\n")
    print(json.dumps(made | {"admin_key": "...", "chat_key": "..."}), file=sys.stderr)


if __name__ == "__main__":
    main()
