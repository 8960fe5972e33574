#!/usr/bin/env python3
"""Builds the CT acceptance dataset (issue 5) from the TotalSegmentator example files.

Standard library only. Usage: build_ct_acceptance_dataset.py SHARED_TOTALSEG_DIR OUTPUT_DIR

  OUTPUT_DIR/Dataset901_CtSmall/   nnU-Net v2 raw layout, one training case:
      imagesTr/ct_small_0000.nii.gz   ct_small.nii.gz as it is (CT, 3 mm, HU)
      labelsTr/ct_small.nii.gz        its TotalSegmentator labels kept as 1 spleen, 2 liver, 3 stomach
      dataset.json
  OUTPUT_DIR/reference/ct_dicom.nii.gz  ct_dicom_seg.nii.gz (the 20-slice DICOM series' labels)
      mapped the same way, named as `aunet segment` names its result for the ct_dicom folder.

TotalSegmentator's `total` class map: 1 spleen, 5 liver, 6 stomach; every other value becomes 0.
The header (geometry, extensions) is kept byte for byte; only the voxel values change.
"""
import gzip, json, os, shutil, struct, sys

KEEP = {1: 1, 5: 2, 6: 3}
LABELS = {"background": 0, "spleen": 1, "liver": 2, "stomach": 3}


def remap_labels(src, dst):
    data = gzip.open(src, "rb").read()
    if len(data) < 352 or struct.unpack_from("<i", data, 0)[0] != 348:
        sys.exit(f"{src}: not a little-endian NIfTI-1 file")
    dim = struct.unpack_from("<8h", data, 40)
    datatype, = struct.unpack_from("<h", data, 70)
    vox_offset = int(struct.unpack_from("<f", data, 108)[0])
    if datatype != 2:  # uint8, as TotalSegmentator writes its label maps
        sys.exit(f"{src}: expected uint8 labels, got NIfTI datatype {datatype}")
    n = 1
    for d in dim[1:dim[0] + 1]:
        n *= d
    voxels = data[vox_offset:vox_offset + n]
    if len(voxels) != n:
        sys.exit(f"{src}: truncated ({len(voxels)} of {n} voxels)")
    table = bytes(KEEP.get(v, 0) for v in range(256))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    tmp = dst + ".tmp"
    with gzip.open(tmp, "wb", compresslevel=6) as f:
        f.write(data[:vox_offset] + voxels.translate(table) + data[vox_offset + n:])
    os.replace(tmp, dst)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    for name in ("ct_small.nii.gz", "ct_small_seg.nii.gz", "ct_dicom_seg.nii.gz", "ct_dicom"):
        if not os.path.exists(os.path.join(src, name)):
            sys.exit(f"{os.path.join(src, name)}: missing (the shared TotalSegmentator example data)")
    ds = os.path.join(out, "Dataset901_CtSmall")
    shutil.rmtree(ds, ignore_errors=True)
    os.makedirs(os.path.join(ds, "imagesTr"))
    shutil.copyfile(os.path.join(src, "ct_small.nii.gz"), os.path.join(ds, "imagesTr", "ct_small_0000.nii.gz"))
    remap_labels(os.path.join(src, "ct_small_seg.nii.gz"), os.path.join(ds, "labelsTr", "ct_small.nii.gz"))
    with open(os.path.join(ds, "dataset.json"), "w") as f:
        json.dump({"name": "CtSmall (TotalSegmentator example ct_small: spleen, liver, stomach)",
                   "channel_names": {"0": "CT"}, "labels": LABELS, "numTraining": 1,
                   "file_ending": ".nii.gz"}, f, indent=2)
    remap_labels(os.path.join(src, "ct_dicom_seg.nii.gz"), os.path.join(out, "reference", "ct_dicom.nii.gz"))
    print(f"dataset: {ds}\nreference: {os.path.join(out, 'reference', 'ct_dicom.nii.gz')}")


if __name__ == "__main__":
    main()
