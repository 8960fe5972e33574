#include "io/DicomSeriesScanner.h"

#include <gdcmMediaStorage.h>
#include <gdcmScanner.h>
#include <itkGDCMSeriesFileNames.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/Error.h"
#include "io/internal/DicomStructureCheck.h"
#include "io/internal/IsolatedRead.h"
#include "io/internal/ItkSupport.h"

namespace aunet::io {

namespace fs = std::filesystem;
using core::Error;

namespace {

const gdcm::Tag kSopClass(0x0008, 0x0016);
const gdcm::Tag kModality(0x0008, 0x0060);
const gdcm::Tag kSeriesDescription(0x0008, 0x103e);
const gdcm::Tag kSeriesUid(0x0020, 0x000e);
const gdcm::Tag kPatientName(0x0010, 0x0010);
const gdcm::Tag kPatientId(0x0010, 0x0020);

std::string clean(const char* value) {
  if (!value) return {};
  std::string s(value);
  // DICOM pads strings to even length with spaces or NULs.
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  return s;
}

// True when `file` starts with the DICOM Part 10 preamble ("DICM" at byte 128).
bool hasDicomMagic(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[132] = {};
  return in.read(magic, sizeof magic) && std::memcmp(magic + 128, "DICM", 4) == 0;
}

// The modalities ("SR, RTSTRUCT") of the DICOM files among `files`, which no image
// series took (structured reports, RTSTRUCT, RT plans...); `count` gets how many
// DICOM files there are. Empty when there are none.
std::string modalitiesOfDicomFiles(const std::vector<std::string>& files, size_t& count) {
  std::vector<std::string> dicom;
  for (const auto& f : files)
    if (hasDicomMagic(f)) dicom.push_back(f);
  count = dicom.size();
  if (dicom.empty()) return {};
  gdcm::Scanner scanner;
  scanner.AddTag(kModality);
  scanner.Scan(dicom);
  std::vector<std::string> modalities;
  for (const auto& f : dicom) {
    std::string m = clean(scanner.GetValue(f.c_str(), kModality));
    if (m.empty()) m = "no modality";
    if (std::find(modalities.begin(), modalities.end(), m) == modalities.end()) modalities.push_back(m);
  }
  std::string list;
  for (const auto& m : modalities) list += (list.empty() ? "" : ", ") + m;
  return list;
}

std::vector<std::string> filesIn(const std::string& folder) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec))
    if (e.is_regular_file(ec)) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// GDCM asserts (aborting the process) on a file cut inside its meta group or its data
// set's element headers, or with an impossible Samples per Pixel, so such files are
// refused before GDCM sees the folder.
void refuseTruncatedFiles(const std::string& folder, bool recursive) {
  auto check = [](const fs::path& file) {
    const std::string problem = internal::findDicomStructureProblem(file.string());
    if (!problem.empty()) throw Error(file.string(), problem);
  };
  std::error_code ec;
  if (recursive) {
    for (const auto& e : fs::recursive_directory_iterator(folder, ec))
      if (e.is_regular_file(ec)) check(e.path());
  } else {
    for (const auto& e : fs::directory_iterator(folder, ec))
      if (e.is_regular_file(ec)) check(e.path());
  }
}

bool equalPaths(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec);
}

}  // namespace

std::vector<DicomSeriesInfo> scanDicomSeries(const std::string& folder, bool recursive) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw Error(folder, "not a folder");
  // GDCM parses every file's header here: in the helper process when isolation is on.
  if (internal::readIsolationEnabled()) return internal::scanDicomSeriesInHelper(folder, recursive);
  refuseTruncatedFiles(folder, recursive);
  std::vector<DicomSeriesInfo> result;
  try {
    auto names = itk::GDCMSeriesFileNames::New();
    names->SetUseSeriesDetails(true);  // split a UID whose images differ in size/orientation
    names->SetRecursive(recursive);    // must precede SetDirectory, which scans
    names->SetDirectory(folder);
    std::vector<std::string> allFiles;
    for (const std::string& id : names->GetSeriesUIDs()) {
      DicomSeriesInfo info;
      info.id = id;
      info.files = names->GetFileNames(id);
      if (info.files.empty()) continue;
      allFiles.push_back(info.files.front());
      result.push_back(std::move(info));
    }
    // Descriptive tags from the first file of each series (headers only).
    gdcm::Scanner scanner;
    for (const gdcm::Tag& t : {kSopClass, kModality, kSeriesDescription, kSeriesUid, kPatientName, kPatientId})
      scanner.AddTag(t);
    scanner.Scan(allFiles);
    for (DicomSeriesInfo& info : result) {
      const char* file = info.files.front().c_str();
      info.seriesInstanceUid = clean(scanner.GetValue(file, kSeriesUid));
      info.modality = clean(scanner.GetValue(file, kModality));
      info.description = clean(scanner.GetValue(file, kSeriesDescription));
      info.patient = clean(scanner.GetValue(file, kPatientName));
      if (info.patient.empty()) info.patient = clean(scanner.GetValue(file, kPatientId));
      const std::string sop = clean(scanner.GetValue(file, kSopClass));
      const auto ms = gdcm::MediaStorage::GetMSType(sop.c_str());
      // Unknown SOP classes are given the benefit of the doubt; the decoder decides.
      info.isImage = ms == gdcm::MediaStorage::MS_END || gdcm::MediaStorage::IsImage(ms);
    }
  } catch (const itk::ExceptionObject& e) {
    throw Error(folder, "cannot scan for DICOM series: " + internal::describeItkError(e));
  }
  std::stable_sort(result.begin(), result.end(), [](const DicomSeriesInfo& a, const DicomSeriesInfo& b) {
    if (a.isImage != b.isImage) return a.isImage;
    return a.sliceCount() > b.sliceCount();
  });
  return result;
}

DicomSeriesInfo selectDicomSeries(const std::string& path, const std::string& uid, bool recursive) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(path, "no such file or folder");
  const bool isFolder = fs::is_directory(path, ec);
  const std::string folder = isFolder ? path : fs::path(path).parent_path().string();
  const std::vector<DicomSeriesInfo> all = scanDicomSeries(folder.empty() ? "." : folder, isFolder && recursive);
  if (!isFolder) {
    for (const DicomSeriesInfo& s : all)
      for (const std::string& f : s.files)
        if (equalPaths(f, path)) {
          if (!s.isImage)
            throw Error(path, "DICOM object without an image (" + (s.modality.empty() ? "non-image" : s.modality) +
                                  " object, e.g. RTSTRUCT, SR or RT plan)");
          return s;
        }
    size_t count = 0;
    const std::string modality = modalitiesOfDicomFiles({path}, count);
    if (count > 0)
      throw Error(path, "DICOM object without an image (" + modality +
                            " object, e.g. RTSTRUCT, SR or RT plan), or an image this reader cannot decode");
    throw Error(path, "not a readable DICOM image file");
  }
  if (all.empty()) {
    size_t count = 0;
    const std::string modalities = modalitiesOfDicomFiles(filesIn(path), count);
    if (count > 0)
      throw Error(path, "folder holds only DICOM objects without images: " + std::to_string(count) + " file(s) (" +
                            modalities + ")");
    throw Error(path, "no DICOM series found in folder" + std::string(recursive ? " (searched recursively)" : ""));
  }
  if (uid.empty()) {
    if (!all.front().isImage)
      throw Error(path, "folder holds only DICOM objects without images (" + all.front().modality + ")");
    return all.front();  // sorted: largest image series first
  }
  const DicomSeriesInfo* best = nullptr;
  for (const DicomSeriesInfo& s : all)
    if (s.id == uid || s.seriesInstanceUid == uid)
      if (!best || s.sliceCount() > best->sliceCount()) best = &s;
  if (!best) throw Error(path, "no DICOM series with UID " + uid + " (" + std::to_string(all.size()) + " series found)");
  if (!best->isImage) throw Error(path, "DICOM series " + uid + " holds no images (" + best->modality + ")");
  return *best;
}

}  // namespace aunet::io
