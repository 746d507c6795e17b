#!/usr/bin/env python3
"""PyTorch twin of ArrhythmiNet for `npm run bench:train`: same architecture, batch, optimizer.

A persistent worker: reads one JSON request per line on stdin, answers one JSON line on stdout.
Request: {"config": {...ArrhythmiNetConfig}, "numClasses": 5, "batch": 256, "what": "train"|"infer"|"latency",
          "iters": n}. Answer: {"samplesPerSec": x} or {"latencyMs": x}.
Threads are fixed per process (argv[1]); pin the one-thread worker from outside (taskset -c 0 and
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS set before Python starts): torch.set_num_threads(1) alone
does not stop OpenBLAS from using both cores.
"""
import json
import sys
import time

import torch
from torch import nn


class ArrhythmiNet(nn.Module):
    def __init__(self, cfg, num_classes):
        super().__init__()
        k, c = cfg["kernel"], cfg["stem"]
        layers = [nn.Conv1d(1, c, k, stride=2, padding=k // 2, bias=False), nn.BatchNorm1d(c), nn.ReLU()]
        for out, stride in cfg["blocks"]:
            layers += [
                nn.Conv1d(c, c, k, stride=stride, padding=k // 2, groups=c, bias=False),
                nn.Conv1d(c, out, 1, bias=False),
                nn.BatchNorm1d(out),
                nn.ReLU(),
            ]
            c = out
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c, num_classes)

    def forward(self, x):
        return self.head(self.features(x).mean(dim=2))


def main():
    threads = int(sys.argv[1])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    nets = {}
    for line in sys.stdin:
        req = json.loads(line)
        key = json.dumps([req["config"], req["numClasses"]])
        if key not in nets:
            net = ArrhythmiNet(req["config"], req["numClasses"])
            nets[key] = (net, torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4))
        net, opt = nets[key]
        b, iters = req["batch"], req["iters"]
        x = torch.randn(b, 1, 256)
        y = torch.randint(0, req["numClasses"], (b,))
        loss_fn = nn.CrossEntropyLoss(weight=torch.ones(req["numClasses"]))
        if req["what"] == "train":
            net.train()

            def run():
                opt.zero_grad(set_to_none=True)
                loss_fn(net(x), y).backward()
                opt.step()
        else:
            net.eval()

            def run():
                with torch.no_grad():
                    torch.softmax(net(x), dim=1)
        for _ in range(3):
            run()
        t0 = time.perf_counter()
        for _ in range(iters):
            run()
        dt = (time.perf_counter() - t0) / iters
        ans = {"latencyMs": dt * 1e3} if req["what"] == "latency" else {"samplesPerSec": b / dt}
        print(json.dumps(ans), flush=True)


if __name__ == "__main__":
    main()
