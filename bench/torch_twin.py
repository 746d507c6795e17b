#!/usr/bin/env python3
"""PyTorch twin of ArrhythmiNet for `npm run bench:train`: same architecture, batch, optimizer.

A persistent worker: reads one JSON request per line on stdin, answers one JSON line on stdout.
Request: {"config": {...ArrhythmiNetConfig}, "numClasses": 5, "batch": 256, "what": "train"|"infer"|"latency",
          "iters": n}. Answer: {"samplesPerSec": x} or {"latencyMs": x}.
Parity request: {"what": "parity", "config", "numClasses", "weights": {name: [floats]}, "x": [...], "y": [...],
          "lr": lr, "eps": eps, "steps": n}: n AdamW steps on that batch from those weights (module names are ours);
          answer {"losses": [...], "weights": {name: [floats]}}.
Threads are fixed per process (argv[1]); pin the one-thread worker from outside (taskset -c 0 and
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS set before Python starts): torch.set_num_threads(1) alone
does not stop OpenBLAS from using both cores.
"""
import json
import sys
import time

import torch
from torch import nn


class Stem(nn.Module):
    def __init__(self, c, k):
        super().__init__()
        self.conv = nn.Conv1d(1, c, k, stride=2, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm1d(c)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class Block(nn.Module):
    """depthwise k (stride) -> pointwise -> BN -> ReLU"""

    def __init__(self, c, out, k, stride):
        super().__init__()
        self.dw = nn.Conv1d(c, c, k, stride=stride, padding=k // 2, groups=c, bias=False)
        self.pw = nn.Conv1d(c, out, 1, bias=False)
        self.bn = nn.BatchNorm1d(out)

    def forward(self, x):
        return torch.relu(self.bn(self.pw(self.dw(x))))


class ArrhythmiNet(nn.Module):
    """Same definition as src/model/arrhythminet.ts (without the optional extra-features pathway and dropout)."""

    def __init__(self, cfg, num_classes):
        super().__init__()
        k, c = cfg["kernel"], cfg["stem"]
        self.stem = Stem(c, k)
        self.blocks = []
        for i, (out, stride) in enumerate(cfg["blocks"]):
            setattr(self, f"b{i}", Block(c, out, k, stride))
            self.blocks.append(getattr(self, f"b{i}"))
            c = out
        # V1M / V2M: mixing units over the pooled features join the classifier's inputs
        self.mix = nn.Linear(c, cfg["mix"]) if cfg.get("mix") else None
        self.head = nn.Linear(c + (cfg.get("mix") or 0), num_classes)

    def forward(self, x):
        h = self.stem(x)
        for b in self.blocks:
            h = b(h)
        f = h.mean(dim=2)
        if self.mix is not None:
            f = torch.cat([f, torch.relu(self.mix(f))], dim=1)
        return self.head(f)


def parity(req):
    net = ArrhythmiNet(req["config"], req["numClasses"])
    state = net.state_dict()
    for name, values in req["weights"].items():
        state[name].copy_(torch.tensor(values, dtype=torch.float32).reshape(state[name].shape))
    opt = torch.optim.AdamW(net.parameters(), lr=req["lr"], weight_decay=1e-4, eps=req["eps"])
    x = torch.tensor(req["x"], dtype=torch.float32).reshape(-1, 1, 256)
    y = torch.tensor(req["y"], dtype=torch.long)
    loss_fn = nn.CrossEntropyLoss(weight=torch.ones(req["numClasses"]))
    net.train()
    losses = []
    for _ in range(req["steps"]):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    out = {k: v.reshape(-1).tolist() for k, v in net.state_dict().items() if k in req["weights"]}
    return {"losses": losses, "weights": out}


def main():
    threads = int(sys.argv[1])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    nets = {}
    for line in sys.stdin:
        req = json.loads(line)
        if req["what"] == "parity":
            print(json.dumps(parity(req)), flush=True)
            continue
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
