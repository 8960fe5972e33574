#pragma once
// The files a mask can be written as: NIfTI (<case>.nii.gz), DICOM SEG
// (<case>.seg.dcm) and RT Structure Set (<case>.rtstruct.dcm). The DICOM ones need
// the DICOM series the mask was made on.

#include <string>
#include <vector>

namespace aunet::pipeline {

enum class MaskFormat { Nifti, DicomSeg, RtStruct };

struct MaskFormats {
  std::vector<MaskFormat> list;  // in the order given, no repeats
  bool has(MaskFormat format) const;
  bool anyDicom() const;
  // The one written last, which marks a case complete: NIfTI when asked for, else the
  // first DICOM format.
  MaskFormat last() const;
};

// "nifti", "dicom-seg", "rtstruct", comma-separated. Throws core::Error naming `flag`
// and the accepted values for anything else.
MaskFormats parseMaskFormats(const std::string& text, const std::string& flag = "--output-format");

std::string toString(MaskFormat format);    // "dicom-seg"
std::string fileSuffix(MaskFormat format);  // ".seg.dcm"

}  // namespace aunet::pipeline
