#!/usr/bin/env python3
"""aunet against MONAI's AttentionUnet on this machine, side by side (issue 8).

Runs, in one go and with the same thread count:
  * aunet:  build/bin/aunet_bench (the C++ network and SegmentationPipeline, as
            `aunet segment` runs it), once for whole-volume segmentation (its own
            process, so its peak memory is its own) and once for forward passes and a
            training step;
  * MONAI:  monai.networks.nets.AttentionUnet with the same channels (16..256) and
            strides (2,2,2,2), in a separate virtual environment holding the same torch
            version and the PyPI package `monai`; segmentation with
            monai.inferers.sliding_window_inference and the same window (96^3),
            overlap, windows per batch and Gaussian weighting, then softmax and argmax.

Prints one table with seconds for both and the speed ratio aunet/MONAI (MONAI's time
divided by aunet's: 2.0 means aunet is twice as fast) and, for segmentation, both
processes' peak resident memory. Both networks are freshly initialized: speed does not
depend on the weights. The networks differ where the designs differ (MONAI: strided
convolutions down, transposed convolutions up, one convolution per decoder level, batch
norm; aunet: max pooling, interpolation, two convolutions per decoder level, instance
norm, deep supervision in training); the GFLOP column shows what each computes.

    python3 scripts/compare_monai.py                    # 2 threads, ch2 template
    python3 scripts/compare_monai.py --threads 1 --repeats 3
    python3 scripts/compare_monai.py --image ct.nii.gz --overlap 0.5 --sw-batch 2
    python3 scripts/compare_monai.py --precision bf16   # both in bf16 autocast (also on the CPU)
    python3 scripts/compare_monai.py --defaults --sections segment   # each tool's own defaults

Precision: `auto` (default) is each tool's default (aunet: bf16 on CUDA and on CPUs with
native bf16 (AVX-512 BF16 or AMX), else fp32; MONAI: bf16 autocast on CUDA, fp32 on the CPU); `off` is fp32
on both, `bf16` bf16 autocast on both. `--defaults` segments with each tool's documented
defaults instead of identical settings: aunet overlap 0.5, Gaussian, 2 windows per pass,
precision auto; MONAI's sliding_window_inference overlap 0.25, constant weighting, 1
window per pass.

The MONAI environment is created on first use (--monai-venv, default .venv-monai next
to the repository's .venv) with `pip install torch==<aunet's torch version> monai
nibabel`; it needs PyPI once. Not a test: figures go to docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CH2 = Path("/usr/share/mricron/templates/ch2.nii.gz")
CHANNELS = (16, 32, 64, 128, 256)
STRIDES = (2, 2, 2, 2)


def fail(message: str) -> None:
    print(f"compare_monai: error: {message}", file=sys.stderr)
    sys.exit(1)


# --------------------------------------------------------------------------- MONAI side
# These functions run inside the MONAI environment (`--worker`), never in the caller.

def peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def monai_network(torch, dims: int):
    from monai.networks.nets import AttentionUnet
    torch.manual_seed(0)
    return AttentionUnet(spatial_dims=dims, in_channels=1, out_channels=2, channels=CHANNELS, strides=STRIDES)


def forward_gflop(torch, net, x) -> float:
    from torch.utils.flop_counter import FlopCounterMode
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        net(x)
    return counter.get_total_flops() / 1e9


def time_median(fn, repeats: int, sync) -> float:
    fn()
    sync()  # warm-up: oneDNN primitives, allocator growth, cuDNN autotuning
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def worker(args) -> dict:
    import torch
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    sync = (lambda: torch.cuda.synchronize()) if device.type == "cuda" else (lambda: None)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    # auto: bf16 on CUDA (MONAI's usual advice), fp32 on the CPU; bf16: autocast everywhere.
    use_bf16 = args.precision == "bf16" or (args.precision == "auto" and device.type == "cuda")
    autocast = (lambda: torch.autocast(device.type, dtype=torch.bfloat16)) if use_bf16 \
        else (lambda: torch.autocast("cpu", enabled=False))
    out_precision = "bf16" if use_bf16 else "fp32"
    out: dict = {"device": str(device), "threads": torch.get_num_threads(), "torch": torch.__version__,
                 "precision": out_precision}
    import monai
    out["monai"] = monai.__version__

    if args.worker == "segment":
        import nibabel as nib
        from monai.inferers import sliding_window_inference
        t_read = time.perf_counter()
        image = torch.from_numpy(nib.load(args.image).get_fdata(dtype="float32"))  # [I, J, K]
        read_seconds = time.perf_counter() - t_read
        net = monai_network(torch, 3).to(device).eval()
        roi = (args.patch,) * 3
        t0 = time.perf_counter()
        with torch.inference_mode(), autocast():
            x = image.to(device)
            x = ((x - x.mean()) / x.std().clamp_min(1e-8))[None, None]  # z-score, as the aunet plan
            if args.defaults:  # MONAI's own defaults: overlap 0.25, constant weights, 1 window per pass
                logits = sliding_window_inference(x, roi, 1, net)
            else:
                logits = sliding_window_inference(x, roi, args.sw_batch, net, overlap=args.overlap, mode="gaussian",
                                                  sigma_scale=0.125)
            labels = torch.softmax(logits.float(), 1).argmax(1).to(torch.uint8).cpu()
        sync()
        seconds = time.perf_counter() - t0
        out["segment"] = {"size": list(image.shape), "seconds": seconds, "read_seconds": read_seconds,
                          "peak_rss_mb": peak_rss_mb(), "foreground_voxels": int(labels.sum())}
        return out

    # forward passes and a training step
    forward = []
    for dims, size, batch in ((3, 96, 1), (3, 96, 2), (2, 512, 1)):
        net = monai_network(torch, dims).to(device).eval()
        x = torch.randn((batch, 1) + (size,) * dims, device=device)
        gflop = forward_gflop(torch, net, x)

        def run():
            with torch.inference_mode(), autocast():
                net(x)
        seconds = time_median(run, args.repeats, sync)
        forward.append({"dims": dims, "size": [size] * dims, "batch": batch, "seconds": seconds, "gflop": gflop})
    out["forward"] = forward

    from monai.losses import DiceCELoss
    net = monai_network(torch, 3).to(device).train()
    size, batch = args.train_size, args.train_batch
    x = torch.randn((batch, 1) + (size,) * 3, device=device)
    target = (x > 0.5).long()
    loss_fn = DiceCELoss(to_onehot_y=True, softmax=True)
    sgd = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.99, nesterov=True)

    def step():
        sgd.zero_grad(set_to_none=True)
        with autocast():
            loss = loss_fn(net(x), target)
        loss.backward()
        sgd.step()
    seconds = time_median(step, max(1, args.repeats - 1), sync)
    out["train"] = {"size": [size] * 3, "batch": batch, "seconds": seconds,
                    "gflop": 3 * forward_gflop(torch, monai_network(torch, 3).to(device), x)}
    return out


# --------------------------------------------------------------------------- caller side

def aunet_torch_version(aunet_venv: Path) -> str:
    python = aunet_venv / "bin" / "python"
    if not python.exists():
        fail(f"{aunet_venv}: no aunet virtual environment (run scripts/setup.sh, or pass --aunet-venv)")
    return subprocess.run([str(python), "-c", "import torch; print(torch.__version__.split('+')[0])"],
                          check=True, capture_output=True, text=True).stdout.strip()


def ensure_monai_venv(venv: Path, torch_version: str) -> Path:
    python = venv / "bin" / "python"
    marker = venv / f".aunet-monai-torch-{torch_version}"
    if marker.exists():
        return python
    print(f"==> Creating the MONAI environment {venv} (torch=={torch_version}, monai, nibabel; needs PyPI once)",
          flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", f"torch=={torch_version}", "monai", "nibabel"],
                   check=True)
    installed = subprocess.run([str(python), "-c", "import torch; print(torch.__version__.split('+')[0])"],
                               check=True, capture_output=True, text=True).stdout.strip()
    if installed != torch_version:
        fail(f"{venv}: pip installed torch {installed}, aunet uses {torch_version}")
    marker.touch()
    return python


def run_json(command: list[str], what: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    try:
        print(f"==> {what}", flush=True)
        proc = subprocess.run(command + ["--json", path], capture_output=True, text=True)
        if proc.returncode != 0:
            fail(f"{what} failed (exit {proc.returncode}): {(proc.stderr or proc.stdout).strip()[-2000:]}")
        with open(path) as f:
            return json.load(f)
    finally:
        os.unlink(path)


def ratio(monai_seconds: float, aunet_seconds: float) -> str:
    return f"{monai_seconds / aunet_seconds:.2f}x" if aunet_seconds > 0 else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads for both (default: every core)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats per forward row (median, after a warm-up)")
    parser.add_argument("--image", default=str(CH2), help="volume to segment (default: the mricron ch2 template)")
    parser.add_argument("--patch", type=int, default=96, help="sliding window edge (cubic)")
    parser.add_argument("--overlap", type=float, default=0.5)
    parser.add_argument("--sw-batch", type=int, default=2, help="windows per forward pass")
    parser.add_argument("--train-size", type=int, default=96)
    parser.add_argument("--train-batch", type=int, default=2)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--precision", default="auto", choices=["auto", "off", "bf16"],
                        help="auto: each tool's default; off: fp32 on both; bf16: bf16 autocast on both")
    parser.add_argument("--defaults", action="store_true",
                        help="segment with each tool's defaults (aunet: overlap 0.5, Gaussian, batch 2, precision "
                             "auto; MONAI: overlap 0.25, constant, batch 1) instead of identical settings")
    parser.add_argument("--sections", default="segment,forward,train", help="any of segment, forward, train")
    parser.add_argument("--aunet-bench", default=str(ROOT / "build" / "bin" / "aunet_bench"))
    parser.add_argument("--aunet-venv", default=os.environ.get("AUNET_VENV", str(ROOT / ".venv")))
    parser.add_argument("--monai-venv", default=os.environ.get("AUNET_MONAI_VENV", str(ROOT / ".venv-monai")))
    parser.add_argument("--json", help="also write every figure to this file")
    parser.add_argument("--worker", choices=["segment", "forward-train"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        result = worker(args)
        with open(args.json, "w") as f:
            json.dump(result, f)
        return

    sections = set(args.sections.split(","))
    bench = Path(args.aunet_bench)
    if not bench.exists():
        fail(f"{bench}: not built (cmake --build build --target aunet_bench)")
    if "segment" in sections and not Path(args.image).exists():
        fail(f"{args.image}: no such image (apt-get install mricron-data, or pass --image)")
    torch_version = aunet_torch_version(Path(args.aunet_venv))
    monai_python = ensure_monai_venv(Path(args.monai_venv), torch_version)
    load_start = os.getloadavg()

    precision = "auto" if args.defaults else args.precision  # --defaults: each tool's own precision too
    common = ["--threads", str(args.threads), "--device", args.device, "--precision", precision]
    monai_common = [str(monai_python), __file__, "--threads", str(args.threads), "--device", args.device,
                    "--precision", precision, "--repeats", str(args.repeats)] + (["--defaults"] if args.defaults else [])
    results: dict = {"threads": args.threads, "device": args.device, "image": args.image,
                     "patch": args.patch, "overlap": args.overlap, "sw_batch": args.sw_batch}
    if "segment" in sections:
        overlap, sw_batch = ("0.5", "2") if args.defaults else (str(args.overlap), str(args.sw_batch))
        results["aunet_segment"] = run_json(
            [str(bench), *common, "--sections", "segment", "--image", args.image, "--overlap", overlap,
             "--segment-batch", sw_batch], "aunet: whole-volume segmentation")
        results["monai_segment"] = run_json(
            monai_common + ["--worker", "segment", "--image", args.image, "--patch", str(args.patch),
                            "--overlap", str(args.overlap), "--sw-batch", str(args.sw_batch)],
            "MONAI: whole-volume segmentation")
    if sections & {"forward", "train"}:
        results["aunet"] = run_json(
            [str(bench), *common, "--sections", "forward,train", "--repeats", str(args.repeats), "--train-size",
             str(args.train_size), "--train-batch", str(args.train_batch)], "aunet: forward passes and a training step")
        results["monai"] = run_json(
            monai_common + ["--worker", "forward-train", "--train-size", str(args.train_size), "--train-batch",
                            str(args.train_batch)], "MONAI: forward passes and a training step")
    load_end = os.getloadavg()

    device = (results.get("aunet") or results.get("aunet_segment") or {}).get("device", args.device)
    versions = results.get("monai") or results.get("monai_segment") or {}
    aunet_precision = (results.get("aunet") or results.get("aunet_segment") or {}).get("inference_precision", "?")
    print(f"\naunet vs MONAI {versions.get('monai', '?')} (torch {versions.get('torch', '?')}), {device}, "
          f"{args.threads} thread(s); precision: aunet inference {aunet_precision}, MONAI {versions.get('precision', '?')}"
          f"; load average {load_start[0]:.2f} at start, {load_end[0]:.2f} at end")
    print("| case | aunet s | MONAI s | aunet/MONAI speed | aunet GFLOP | MONAI GFLOP | aunet peak RSS MB | MONAI peak RSS MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    if "segment" in sections:
        a, m = results["aunet_segment"]["segment"], results["monai_segment"]["segment"]
        size = "x".join(str(s) for s in a["size"])
        settings = ("each tool's defaults (aunet overlap 0.5, Gaussian, 2 per batch; MONAI overlap 0.25, constant, "
                    "1 per batch)") if args.defaults else f"overlap {args.overlap}, {args.sw_batch} per batch, Gaussian"
        print(f"| segment {Path(args.image).name} ({size}), {args.patch}^3 windows, {settings} | "
              f"{a['seconds']:.2f} | {m['seconds']:.2f} | "
              f"{ratio(m['seconds'], a['seconds'])} | {a['gflop']:.0f} | | {a['peak_rss_mb']:.0f} | {m['peak_rss_mb']:.0f} |")
    def timing_row(case: str, a: dict, m: dict, gflop_digits: int) -> None:
        print(f"| {case} | {a['seconds']:.3f} | {m['seconds']:.3f} | {ratio(m['seconds'], a['seconds'])} | "
              f"{a['gflop']:.{gflop_digits}f} | {m['gflop']:.{gflop_digits}f} | | |")

    if "forward" in sections:
        for a, m in zip(results["aunet"]["forward"], results["monai"]["forward"]):
            size = "x".join(str(s) for s in a["size"])
            timing_row(f"forward {a['dims']}D {size}, batch {a['batch']}", a, m, 1)
    if "train" in sections:
        a, m = results["aunet"]["train"], results["monai"]["train"]
        size = "x".join(str(s) for s in a["size"])
        timing_row(f"train step 3D {size}, batch {a['batch']} (SGD, Dice+CE; aunet with deep supervision)", a, m, 0)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
