#!/usr/bin/env python3
"""The mask editor in a real window under Xvfb, driven by real X input events (xdotool).

Starts aunet-viewer on a generated image and mask (axial view maximized), presses B
(brush) and 2 (label 2), drags a stroke from left to right across the axial view,
presses Ctrl+S, and checks that the saved mask gained label 2 exactly along a
horizontal band on the shown slice and nowhere else; then presses Ctrl+Z and Ctrl+S
and checks that the saved mask is the original again. Standard library only (NIfTI
written and read here), so it runs from a fresh clone.

usage: edit_stroke_test.py AUNET_VIEWER   (run under xvfb-run; needs xdotool)
"""
import gzip
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

NX, NY, NZ = 96, 96, 12


def write_nifti(path, data, datatype, bitpix, fmt):
    """An uncompressed NIfTI-1 file, identity direction, 1 x 1 x 3 mm voxels."""
    hdr = bytearray(352)
    struct.pack_into("<i", hdr, 0, 348)
    struct.pack_into("<8h", hdr, 40, 3, NX, NY, NZ, 1, 1, 1, 1)
    struct.pack_into("<hh", hdr, 70, datatype, bitpix)
    struct.pack_into("<8f", hdr, 76, 1.0, 1.0, 1.0, 3.0, 1, 1, 1, 1)
    struct.pack_into("<f", hdr, 108, 352.0)  # vox_offset
    struct.pack_into("<f", hdr, 112, 1.0)    # scl_slope
    struct.pack_into("<hh", hdr, 252, 1, 1)  # qform_code, sform_code
    struct.pack_into("<4f", hdr, 280, 1, 0, 0, 0)
    struct.pack_into("<4f", hdr, 296, 0, 1, 0, 0)
    struct.pack_into("<4f", hdr, 312, 0, 0, 3, 0)
    hdr[344:348] = b"n+1\0"
    with open(path, "wb") as f:
        f.write(hdr)
        f.write(struct.pack("<%d%s" % (len(data), fmt), *data))


def read_labels(path):
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    dims = struct.unpack_from("<8h", raw, 40)
    datatype, = struct.unpack_from("<h", raw, 70)
    offset = int(struct.unpack_from("<f", raw, 108)[0])
    assert dims[1:4] == (NX, NY, NZ), dims
    fmt = {2: "B", 4: "h", 512: "H", 8: "i", 16: "f"}[datatype]
    n = NX * NY * NZ
    return list(struct.unpack_from("<%d%s" % (n, fmt), raw, offset))


def xdo(*args):
    return subprocess.run(["xdotool", *map(str, args)], check=True, capture_output=True, text=True).stdout.strip()


def wait_for_save(path, mtime, what):
    for _ in range(200):
        if os.path.getmtime(path) != mtime:
            time.sleep(0.2)
            return
        time.sleep(0.05)
    sys.exit("FAIL: %s did not write %s" % (what, path))


def main():
    viewer = sys.argv[1]
    work = tempfile.mkdtemp(prefix="aunet-xdotool-")
    image_path, mask_path = os.path.join(work, "image.nii"), os.path.join(work, "mask.nii")
    image = [float((i + j + 4 * k) % 200) for k in range(NZ) for j in range(NY) for i in range(NX)]
    write_nifti(image_path, image, 16, 32, "f")
    mask = [0] * (NX * NY * NZ)
    for k in range(NZ):  # a block of label 1 in one corner
        for j in range(5, 20):
            for i in range(5, 20):
                mask[i + NX * (j + NY * k)] = 1
    write_nifti(mask_path, mask, 2, 8, "B")
    original = read_labels(mask_path)

    env = dict(os.environ, HOME=work, XDG_CONFIG_HOME=os.path.join(work, "config"),
               XDG_DATA_HOME=os.path.join(work, "data"), QT_QPA_PLATFORM="xcb")
    proc = subprocess.Popen([viewer, image_path, "--mask", mask_path, "--view", "axial", "--size", "1100x800"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # The title names the image once it is open (the mask opens before the event loop).
        wid = xdo("search", "--sync", "--onlyvisible", "--name", "aunet viewer - image.nii").split()[0]
        xdo("windowmove", "--sync", wid, 0, 0)
        xdo("windowfocus", "--sync", wid)
        geometry = dict(line.split("=") for line in xdo("getwindowgeometry", "--shell", wid).split())
        w, h = int(geometry["WIDTH"]), int(geometry["HEIGHT"])
        time.sleep(1.0)
        # The axial view fills the centre of the window between the docks; the image is
        # fitted square in it. A click there focuses the view (Navigate: moves the crosshair in-plane).
        cx, cy = w // 2, h // 2
        xdo("mousemove", "--window", wid, cx, cy, "click", 1)
        xdo("key", "b")
        xdo("key", "2")
        time.sleep(0.3)
        xdo("mousemove", "--window", wid, cx - 120, cy)
        xdo("mousedown", 1)
        for step in range(1, 25):
            xdo("mousemove", "--window", wid, cx - 120 + 10 * step, cy)
            time.sleep(0.02)
        xdo("mouseup", 1)
        time.sleep(0.3)
        mtime = os.path.getmtime(mask_path)
        time.sleep(1.1)  # file times have one-second granularity on some filesystems
        xdo("key", "ctrl+s")
        wait_for_save(mask_path, mtime, "Ctrl+S")
        edited = read_labels(mask_path)

        changed = [n for n in range(len(edited)) if edited[n] != original[n]]
        if not changed:
            sys.exit("FAIL: the saved mask did not change after the stroke")
        voxels = [(n % NX, (n // NX) % NY, n // (NX * NY)) for n in changed]
        slices = {v[2] for v in voxels}
        rows = {v[1] for v in voxels}
        columns = sorted({v[0] for v in voxels})
        values = {edited[n] for n in changed}
        print("stroke: %d voxels changed, slices %s, rows %d..%d, columns %d..%d, values %s"
              % (len(changed), sorted(slices), min(rows), max(rows), columns[0], columns[-1], sorted(values)))
        if values != {2}:
            sys.exit("FAIL: the stroke should paint label 2 (key 2), got %s" % sorted(values))
        if slices != {NZ // 2}:
            sys.exit("FAIL: a 2D stroke belongs on the shown axial slice %d, got %s" % (NZ // 2, sorted(slices)))
        if max(rows) - min(rows) > 8:
            sys.exit("FAIL: a horizontal stroke with a 5 mm brush spans at most ~6 rows, got %d" % (max(rows) - min(rows) + 1))
        if columns[-1] - columns[0] < 20 or columns != list(range(columns[0], columns[-1] + 1)):
            sys.exit("FAIL: the stroke should be one long band from left to right, got columns %s" % columns)

        mtime = os.path.getmtime(mask_path)
        time.sleep(1.1)
        xdo("key", "ctrl+z")
        time.sleep(0.3)
        xdo("key", "ctrl+s")
        wait_for_save(mask_path, mtime, "Ctrl+S after Ctrl+Z")
        if read_labels(mask_path) != original:
            sys.exit("FAIL: after Ctrl+Z and Ctrl+S the saved mask is not the original")
        print("undo: the saved mask is the original again")
        xdo("key", "ctrl+q")
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            sys.exit("FAIL: the viewer did not quit on Ctrl+Q after saving (an unexpected unsaved-edits prompt?)")
        print("PASS")
    finally:
        if proc.poll() is None:
            proc.kill()
        out = proc.communicate()[0]
        if out:
            print("viewer output:\n" + out)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
