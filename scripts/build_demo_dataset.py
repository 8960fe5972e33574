#!/usr/bin/env python3
"""Builds the demo model's nnU-Net v2 raw dataset from Debian's mricron-data Colin27 files.

Standard library only. One subject, so the held-out data is a hemisphere:
  imagesTr: colin27_left (world x < 0), colin27_leftmirror (the left half mirrored onto the
            right side) and two gamma variants of each (intensity robustness);
  heldout:  images/colin27_right.nii.gz (world x > 0), never used for training, and its reference
            labels/colin27_right.nii.gz (outside imagesTr/imagesTs: same name as `aunet segment`'s output).
The midline plane (x = 0) belongs to neither half.
Labels (AAL regions grouped by name; 1 = rest of the ch2bet brain mask and of the AAL atlas).
"""
import gzip, json, os, struct, sys

# The name goes into the model's description ("Attention U-Net trained on <name> (fold all)").
NAME = ("Colin27 T1 (Debian mricron-data ch2.nii.gz, labels from ch2bet + grouped AAL, left hemisphere "
        "and its mirror): a demonstration model, not a clinical tool")
LABELS = ["background", "brain", "frontal", "parietal", "temporal", "occipital",
          "cerebellum", "deep_grey"]
GROUPS = [  # (label, AAL name prefixes); the first matching prefix wins
    (2, ("Precentral", "Frontal_", "Rolandic_Oper", "Supp_Motor_Area", "Olfactory", "Rectus",
         "Paracentral_Lobule")),
    (3, ("Postcentral", "Parietal_", "SupraMarginal", "Angular", "Precuneus")),
    (4, ("Heschl", "Temporal_", "Fusiform")),
    (5, ("Calcarine", "Cuneus", "Lingual", "Occipital_")),
    (6, ("Cerebelum_", "Vermis_")),
    (7, ("Caudate", "Putamen", "Pallidum", "Thalamus")),
]


def read_nifti(path):
    data = gzip.open(path, "rb").read()
    dim = struct.unpack_from("<8h", data, 40)
    datatype, = struct.unpack_from("<h", data, 70)
    vox_offset, = struct.unpack_from("<f", data, 108)
    if dim[0] != 3 or datatype != 2:  # uint8 3D is what mricron-data ships
        sys.exit(f"{path}: expected a 3D uint8 NIfTI, got dim {dim[:4]} datatype {datatype}")
    n = dim[1] * dim[2] * dim[3]
    return bytearray(data[:348]), dim[1:4], data[int(vox_offset):int(vox_offset) + n]


def write_nifti(path, header, nx, x_offset_voxels, voxels):
    """Writes header with dim[1] = nx and the x origin moved by x_offset_voxels (sform and qform)."""
    h = bytearray(header)
    struct.pack_into("<h", h, 42, nx)
    struct.pack_into("<f", h, 108, 352.0)
    srow_x = list(struct.unpack_from("<4f", h, 280))
    shift = srow_x[0] * x_offset_voxels
    struct.pack_into("<f", h, 292, srow_x[3] + shift)  # srow_x[3]
    qx, = struct.unpack_from("<f", h, 268)
    struct.pack_into("<f", h, 268, qx + shift)  # qoffset_x
    tmp = path + ".tmp"
    with gzip.open(tmp, "wb", compresslevel=6) as f:
        f.write(bytes(h) + b"\0\0\0\0" + bytes(voxels))
    os.replace(tmp, path)


def crop_x(voxels, size, x0, x1, mirror):
    nx, ny, nz = size
    rows = []
    for r in range(ny * nz):
        row = voxels[r * nx + x0:r * nx + x1]
        rows.append(row[::-1] if mirror else row)
    return b"".join(rows)


def main():
    templates, out = sys.argv[1], sys.argv[2]
    t1_header, size, t1 = read_nifti(os.path.join(templates, "ch2.nii.gz"))
    _, bet_size, bet = read_nifti(os.path.join(templates, "ch2bet.nii.gz"))
    lab_header, aal_size, aal = read_nifti(os.path.join(templates, "aal.nii.gz"))
    if not (size == bet_size == aal_size):
        sys.exit("ch2, ch2bet and aal grids differ")
    # AAL index -> group label, as a byte translation table.
    table = bytearray(256)
    for line in open(os.path.join(templates, "aal.nii.txt")):
        parts = line.split()
        if len(parts) >= 2 and parts[0].isdigit():
            table[int(parts[0])] = next((l for l, pre in GROUPS if parts[1].startswith(pre)), 1)
    groups = aal.translate(bytes(table))
    # label = group if any, else 1 inside the brain mask: combine (group << 1) | inside bitwise.
    inside = bet.translate(bytes([0] + [1] * 255))
    n = len(groups)
    combined = (int.from_bytes(groups.translate(bytes((v << 1) & 255 for v in range(256))), "little")
                | int.from_bytes(inside, "little")).to_bytes(n, "little")
    labels = combined.translate(bytes((v >> 1) if v >> 1 else (v & 1) for v in range(256)))

    # World x = srow_x[0] * i + srow_x[3]; the midline x = 0 is voxel mid (90 for ch2).
    sx, _, _, ox = struct.unpack_from("<4f", t1_header, 280)
    mid = round(-ox / sx)
    if sx <= 0 or not 0 < mid < size[0] - 1:
        sys.exit(f"unexpected ch2 x axis (srow_x {sx}, {ox})")
    width = min(mid, size[0] - mid - 1)  # the same width on both sides of the midline
    left, right = (mid - width, mid), (mid + 1, mid + 1 + width)

    for d in ("imagesTr", "labelsTr", "heldout/images", "heldout/labels"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    gammas = {"": None, "_g08": 0.8, "_g125": 1.25}
    cases = 0
    for name, (x0, x1), mirror, offset in (("left", left, False, left[0]),
                                           ("leftmirror", left, True, right[0])):
        img, lab = crop_x(t1, size, x0, x1, mirror), crop_x(labels, size, x0, x1, mirror)
        for suffix, g in gammas.items():
            case = f"colin27_{name}{suffix}"
            lut = bytes(range(256)) if g is None else bytes(round(255 * (v / 255) ** g) for v in range(256))
            write_nifti(os.path.join(out, "imagesTr", case + "_0000.nii.gz"), t1_header, width, offset,
                        img.translate(lut))
            write_nifti(os.path.join(out, "labelsTr", case + ".nii.gz"), lab_header, width, offset, lab)
            cases += 1
    write_nifti(os.path.join(out, "heldout/images", "colin27_right.nii.gz"), t1_header, width,
                right[0], crop_x(t1, size, *right, False))
    write_nifti(os.path.join(out, "heldout/labels", "colin27_right.nii.gz"), lab_header, width,
                right[0], crop_x(labels, size, *right, False))
    dataset = {"name": NAME, "channel_names": {"0": "T1"},
               "labels": {name: i for i, name in enumerate(LABELS)}, "numTraining": cases,
               "file_ending": ".nii.gz",
               "description": "Colin27 T1 (mricron-data ch2), labels from ch2bet + grouped AAL; "
                              "training = left hemisphere and its mirror, held out = right hemisphere"}
    with open(os.path.join(out, "dataset.json.tmp"), "w") as f:
        json.dump(dataset, f, indent=2)
    os.replace(os.path.join(out, "dataset.json.tmp"), os.path.join(out, "dataset.json"))
    print(f"{out}: {cases} training cases ({width} x {size[1]} x {size[2]} voxels), held out: colin27_right")


if __name__ == "__main__":
    main()
