#include "pipeline/MaskFormat.h"

#include <algorithm>
#include <sstream>

#include "core/Error.h"

namespace aunet::pipeline {

bool MaskFormats::has(MaskFormat format) const { return std::find(list.begin(), list.end(), format) != list.end(); }

bool MaskFormats::anyDicom() const { return has(MaskFormat::DicomSeg) || has(MaskFormat::RtStruct); }

MaskFormat MaskFormats::last() const {
  if (has(MaskFormat::Nifti) || list.empty()) return MaskFormat::Nifti;
  return list.front();
}

MaskFormats parseMaskFormats(const std::string& text, const std::string& flag) {
  MaskFormats formats;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    MaskFormat format;
    if (item == "nifti")
      format = MaskFormat::Nifti;
    else if (item == "dicom-seg" || item == "seg")
      format = MaskFormat::DicomSeg;
    else if (item == "rtstruct")
      format = MaskFormat::RtStruct;
    else
      throw core::Error(flag + " " + text, "unknown format '" + item + "' (use nifti, dicom-seg or rtstruct, comma-separated)");
    if (!formats.has(format)) formats.list.push_back(format);
  }
  if (formats.list.empty()) throw core::Error(flag, "no output format given (use nifti, dicom-seg or rtstruct)");
  return formats;
}

std::string toString(MaskFormat format) {
  switch (format) {
    case MaskFormat::Nifti: return "nifti";
    case MaskFormat::DicomSeg: return "dicom-seg";
    case MaskFormat::RtStruct: return "rtstruct";
  }
  return "?";
}

std::string fileSuffix(MaskFormat format) {
  switch (format) {
    case MaskFormat::Nifti: return ".nii.gz";
    case MaskFormat::DicomSeg: return ".seg.dcm";
    case MaskFormat::RtStruct: return ".rtstruct.dcm";
  }
  return "";
}

}  // namespace aunet::pipeline
