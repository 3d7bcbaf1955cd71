"""Generates the PyTorch fixtures that ml's LSTM and GRU tests compare against.

Run once from the repository root with Debian's Python and python3-torch:
    /usr/bin/python3 ml/testdata/gen_torch_fixtures.py
It writes ml/testdata/torch_rnn_fixtures.json (committed). For each case it
records the parameters (PyTorch names and layouts), an input batch, a random
weighting w of the outputs, the outputs, the final states, and the gradients of
L = sum(w * output) with respect to the input and every parameter.
"""
import json, os

import torch
import torch.nn as nn


def flat(t):
    # 9 significant digits round-trip float32 exactly.
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.detach().reshape(-1).tolist()]}


def case(name, kind, inp, hidden, layers, batch, steps, seed):
    torch.manual_seed(seed)
    cls = nn.LSTM if kind == "LSTM" else nn.GRU
    net = cls(inp, hidden, num_layers=layers, batch_first=True)
    x = torch.randn(batch, steps, inp, requires_grad=True)
    w = torch.randn(batch, steps, hidden)
    out, state = net(x)
    (out * w).sum().backward()
    rec = {"name": name, "kind": kind, "in": inp, "hidden": hidden, "layers": layers,
           "params": {n: flat(p) for n, p in net.named_parameters()},
           "grads": {n: flat(p.grad) for n, p in net.named_parameters()},
           "x": flat(x), "w": flat(w), "y": flat(out), "dx": flat(x.grad)}
    if kind == "LSTM":
        rec["h_n"], rec["c_n"] = flat(state[0]), flat(state[1])
    else:
        rec["h_n"] = flat(state)
    return rec


def main():
    cases = [
        case("lstm_1layer", "LSTM", 5, 4, 1, 3, 6, 1),
        case("lstm_2layers", "LSTM", 3, 5, 2, 2, 4, 2),
        case("gru_1layer", "GRU", 5, 4, 1, 3, 6, 3),
        case("gru_2layers", "GRU", 3, 5, 2, 2, 4, 4),
        # 12 hidden units: 8 go through the vector kernels, 4 through the scalar tail.
        case("lstm_hidden12", "LSTM", 6, 12, 1, 3, 5, 5),
        case("gru_hidden12", "GRU", 6, 12, 1, 3, 5, 6),
    ]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_rnn_fixtures.json")
    with open(path, "w") as fh:
        json.dump({"torch_version": torch.__version__, "cases": cases}, fh, separators=(",", ":"))
        fh.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
