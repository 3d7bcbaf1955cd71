"""Generates the PyTorch fixtures that ml's quantization tests compare against.

Run once from the repository root with Debian's Python and python3-torch:
    /usr/bin/python3 ml/testdata/gen_torch_quant_fixtures.py
It writes ml/testdata/torch_quant_fixtures.json (committed). Each case holds the
float32 parameters (PyTorch names and layouts), what
torch.ao.quantization.quantize_dynamic made of them (int8 or uint8 values,
scales, zero points), inputs, and the quantized model's outputs, per layer
(each layer's own input and output, captured with forward hooks) and for the
whole model. It also records the activation scale and zero point PyTorch
chooses (torch._choose_qparams_per_tensor with reduce_range, as the dynamic
modules do) for a range of inputs, including degenerate ones.
"""
import json, os

import torch
import torch.nn as nn
from torch.ao.quantization import (default_dynamic_qconfig, float_qparams_weight_only_qconfig,
                                   per_channel_dynamic_qconfig, quantize_dynamic)


def flat(t):
    t = t.detach()
    if t.dtype in (torch.int8, torch.uint8, torch.int32, torch.int64):
        return {"shape": list(t.shape), "data": [int(v) for v in t.reshape(-1).tolist()]}
    # 9 significant digits round-trip float32 exactly.
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.float().reshape(-1).tolist()]}


def qweight(w):
    rec = {"int": flat(w.int_repr())}
    if w.qscheme() in (torch.per_tensor_affine, torch.per_tensor_symmetric):
        rec["scales"] = flat(torch.tensor([w.q_scale()], dtype=torch.float32))
        rec["zero_points"] = flat(torch.tensor([w.q_zero_point()], dtype=torch.int64))
    else:
        rec["scales"] = flat(w.q_per_channel_scales().float())
        rec["zero_points"] = flat(w.q_per_channel_zero_points())
    return rec


def capture(model, kinds):
    """Registers hooks recording the input and output of every module of the given kinds."""
    seen = []

    def hook(mod, inp, out):
        if isinstance(out, tuple):
            out = out[0]
        seen.append({"x": flat(inp[0]), "y": flat(out)})

    for mod in model.modules():
        if isinstance(mod, kinds):
            mod.register_forward_hook(hook)
    return seen


def mlp_case(name, qconfig, seed):
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(20, 48), nn.ReLU(), nn.Linear(48, 24), nn.ReLU(), nn.Linear(24, 10))
    q = quantize_dynamic(net, {nn.Linear: qconfig}, dtype=torch.qint8)
    x = torch.randn(9, 20) * 2
    layers = capture(q, (torch.ao.nn.quantized.dynamic.Linear,))
    y = q(x)
    return {"name": name, "kind": "mlp",
            "params": {n: flat(p) for n, p in net.named_parameters()},
            "quantized": {str(i): qweight(q[i].weight()) for i in (0, 2, 4)},
            "x": flat(x), "y": flat(y), "per_layer": layers}


def rnn_case(name, kind, qconfig, inp, hidden, layers, batch, steps, seed):
    torch.manual_seed(seed)
    cls = nn.LSTM if kind == "LSTM" else nn.GRU

    class Wrap(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = cls(inp, hidden, num_layers=layers, batch_first=True)

        def forward(self, x):
            return self.rnn(x)[0]

    net = Wrap()
    q = quantize_dynamic(net, {cls: qconfig}, dtype=torch.qint8)
    ws = q.rnn.get_weight()
    x = torch.randn(batch, steps, inp)
    y = q(x)
    return {"name": name, "kind": kind, "in": inp, "hidden": hidden, "layers": layers,
            "params": {n: flat(p) for n, p in net.rnn.named_parameters()},
            "quantized": {n: qweight(w) for n, w in ws.items()},
            "x": flat(x), "y": flat(y)}


def embedding_case(name, seed):
    torch.manual_seed(seed)

    class Wrap(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(30, 12)

        def forward(self, x):
            return self.emb(x)

    net = Wrap()
    with torch.no_grad():
        net.emb.weight[3].fill_(0.25)  # a constant row: zero range, scale 1
    q = quantize_dynamic(net, {nn.Embedding: float_qparams_weight_only_qconfig}, dtype=torch.quint8)
    ids = torch.randint(0, 30, (4, 7))
    ids[0, 0] = 3
    y = q(ids)
    w = q.emb.weight()
    return {"name": name, "kind": "Embedding",
            "params": {"weight": flat(net.emb.weight)},
            "quantized": {"weight": {"int": flat(w.int_repr()), "scales": flat(w.q_per_channel_scales().float()),
                                     "zero_points": flat(w.q_per_channel_zero_points().float())}},
            "x": flat(ids.float()), "y": flat(y)}


def activation_cases():
    torch.manual_seed(7)
    inputs = [torch.randn(50) * 3, torch.rand(40) * 5, -torch.rand(40) * 5, torch.zeros(8),
              torch.randn(30) * 1e-6, torch.rand(30) * 1e-6, torch.tensor([1e-30, 2e-30]),
              torch.tensor([-3.0, 1e-3]), torch.tensor([1e5, -2.5e4]), torch.randn(64) * 100]
    out = []
    for x in inputs:
        scale, zp = torch._choose_qparams_per_tensor(x, True)
        out.append({"min": float("%.9g" % x.min().item()), "max": float("%.9g" % x.max().item()),
                    "scale": float("%.9g" % scale), "zero_point": int(zp)})
    return out


def main():
    cases = [
        mlp_case("mlp_per_tensor", default_dynamic_qconfig, 1),
        mlp_case("mlp_per_channel", per_channel_dynamic_qconfig, 2),
        rnn_case("lstm_2layers", "LSTM", default_dynamic_qconfig, 6, 20, 2, 3, 5, 3),
        rnn_case("lstm_per_channel", "LSTM", per_channel_dynamic_qconfig, 5, 12, 1, 4, 6, 4),
        rnn_case("gru_2layers", "GRU", default_dynamic_qconfig, 6, 20, 2, 3, 5, 5),
        embedding_case("embedding", 6),
    ]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_quant_fixtures.json")
    with open(path, "w") as fh:
        json.dump({"torch_version": torch.__version__, "engine": torch.backends.quantized.engine,
                   "cases": cases, "activations": activation_cases()}, fh, separators=(",", ":"))
        fh.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
