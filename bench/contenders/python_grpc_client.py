#!/usr/bin/env python3
"""The stack the SDK replaces: Python grpcio calling ModelService/Invoke.

Run by bench/contenders/python-grpc.ts. Like the original client it signs an
HS256 token with PyJWT for every request (payload, exp = now + 3600, no iat)
and sends it with a uuid4 x-request-id and a 30 s deadline. The request is
the bench's own encoded ModelRequestItem: a generic unary-stream call with no
serializer sends those bytes as they are, so no generated Python code is
needed and every contender puts the same message on the wire.

Protocol (one JSON object per line): the first stdin line is the setup
{"mode": "aio" | "sync", "address", "request" (base64), "secret", "orgId",
"userId", "timeoutSeconds"}; this script answers {"ready": true, versions}.
Each further line {"concurrency", "calls"} runs a closed loop of that many
calls and answers {"latenciesMs": [...], "wallMs", "cpuMicros"}, where
cpuMicros is this process's CPU time over the loop.
"""

import asyncio
import base64
import json
import sys
import time
import uuid

import grpc
import grpc.aio
import jwt

METHOD = "/model_service.ModelService/Invoke"
TOKEN_LIFETIME_S = 3600


def reply(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


class Signer:
    def __init__(self, setup):
        self.secret = setup["secret"]
        self.payload = {"org_id": setup["orgId"], "user_id": setup["userId"]}

    def metadata(self):
        claims = dict(self.payload, exp=int(time.time()) + TOKEN_LIFETIME_S)
        token = jwt.encode(claims, self.secret, algorithm="HS256")
        return (("authorization", "Bearer " + token), ("x-request-id", str(uuid.uuid4())))


def sample(latencies, wall_started, cpu_started):
    return {
        "latenciesMs": latencies,
        "wallMs": (time.perf_counter() - wall_started) * 1000,
        "cpuMicros": (time.process_time() - cpu_started) * 1e6,
    }


def count_answers(answers):
    if answers != 1:
        raise RuntimeError("%d answers to a non-stream Invoke" % answers)


async def run_aio(setup):
    signer = Signer(setup)
    request = base64.b64decode(setup["request"])
    timeout = setup["timeoutSeconds"]
    loop = asyncio.get_running_loop()
    async with grpc.aio.insecure_channel(setup["address"]) as channel:
        invoke = channel.unary_stream(METHOD)
        await asyncio.wait_for(channel.channel_ready(), 30)
        reply({"ready": True, "grpc": grpc.__version__, "jwt": jwt.__version__})
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                return
            command = json.loads(line)
            total = command["calls"]
            latencies = [0.0] * total
            next_index = 0

            async def worker():
                nonlocal next_index
                while next_index < total:
                    index = next_index
                    next_index += 1
                    started = time.perf_counter()
                    answers = 0
                    async for _ in invoke(request, metadata=signer.metadata(), timeout=timeout):
                        answers += 1
                    count_answers(answers)
                    latencies[index] = (time.perf_counter() - started) * 1000

            wall_started = time.perf_counter()
            cpu_started = time.process_time()
            await asyncio.gather(*(worker() for _ in range(command["concurrency"])))
            reply(sample(latencies, wall_started, cpu_started))


def run_sync(setup):
    signer = Signer(setup)
    request = base64.b64decode(setup["request"])
    timeout = setup["timeoutSeconds"]
    with grpc.insecure_channel(setup["address"]) as channel:
        invoke = channel.unary_stream(METHOD)
        grpc.channel_ready_future(channel).result(timeout=30)
        reply({"ready": True, "grpc": grpc.__version__, "jwt": jwt.__version__})
        for line in sys.stdin:
            command = json.loads(line)
            if command["concurrency"] != 1:
                raise ValueError("the sync client runs one call at a time, not %r" % command["concurrency"])
            latencies = []
            wall_started = time.perf_counter()
            cpu_started = time.process_time()
            for _ in range(command["calls"]):
                started = time.perf_counter()
                answers = 0
                for _ in invoke(request, metadata=signer.metadata(), timeout=timeout):
                    answers += 1
                count_answers(answers)
                latencies.append((time.perf_counter() - started) * 1000)
            reply(sample(latencies, wall_started, cpu_started))


def main():
    setup = json.loads(sys.stdin.readline())
    if setup["mode"] == "aio":
        asyncio.run(run_aio(setup))
    elif setup["mode"] == "sync":
        run_sync(setup)
    else:
        raise ValueError("mode must be aio or sync, not %r" % setup["mode"])


if __name__ == "__main__":
    main()
