#include "io/DicomSeriesScanner.h"

#include <gdcmMediaStorage.h>
#include <gdcmReader.h>
#include <gdcmScanner.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/Error.h"
#include "io/internal/DicomSeriesGrouper.h"
#include "io/internal/DicomStructureCheck.h"
#include "io/internal/IsolatedRead.h"

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
  for (const auto& f : files)  // damaged files never reach GDCM (it may abort on them)
    if (hasDicomMagic(f) && internal::findDicomStructureProblem(f).empty()) dicom.push_back(f);
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

// The regular files of `folder` (and its subfolders when recursive), sorted.
std::vector<std::string> filesIn(const std::string& folder, bool recursive = false) {
  std::vector<std::string> files;
  std::error_code ec;
  if (recursive) {
    for (const auto& e : fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, ec))
      if (e.is_regular_file(ec)) files.push_back(e.path().string());
  } else {
    for (const auto& e : fs::directory_iterator(folder, ec))
      if (e.is_regular_file(ec)) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A file the scan kept from GDCM or that GDCM could not read.
struct SkippedFile {
  std::string path;
  std::string reason;  // empty: not DICOM at all
  std::string seriesInstanceUid;
};

// "skipped 2 file(s) that are not readable DICOM: a.dcm (truncated ...), b.txt", the
// first few named relative to `folder`; empty when none.
std::string skippedWarning(const std::string& folder, const std::vector<SkippedFile>& skipped) {
  if (skipped.empty()) return {};
  constexpr size_t kNamed = 3;
  std::string text = "skipped " + std::to_string(skipped.size()) + " file(s) that are not readable DICOM: ";
  for (size_t i = 0; i < skipped.size() && i < kNamed; ++i) {
    std::error_code ec;
    std::string name = fs::relative(skipped[i].path, folder, ec).string();
    if (ec || name.empty()) name = skipped[i].path;
    text += (i ? ", " : "") + name;
    if (!skipped[i].reason.empty()) text += " (" + skipped[i].reason + ")";
  }
  if (skipped.size() > kNamed) text += ", and " + std::to_string(skipped.size() - kNamed) + " more";
  return text;
}

// True when GDCM reads `file` as some DICOM object (one without an image: SR,
// RTSTRUCT, a DICOMDIR), so its absence from every image series is no surprise.
bool isReadableDicomObject(const std::string& file) {
  gdcm::Reader reader;
  reader.SetFileName(file.c_str());
  return reader.Read();
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
  // Damaged files never reach GDCM, which may abort the process on them: GDCM gets
  // an explicit list of the sound ones instead of the folder.
  std::vector<std::string> sound;
  std::vector<SkippedFile> skipped;
  for (const std::string& file : filesIn(folder, recursive)) {
    internal::DicomStructureReport report = internal::inspectDicomStructure(file);
    if (report.problem.empty())
      sound.push_back(file);
    else
      skipped.push_back({file, std::move(report.problem), std::move(report.seriesInstanceUid)});
  }
  std::vector<DicomSeriesInfo> result;
  std::vector<std::string> grouped;
  for (internal::GroupedSeries& g : internal::groupDicomSeries(sound)) {
    DicomSeriesInfo info;
    info.id = std::move(g.id);
    info.files = std::move(g.files);
    grouped.insert(grouped.end(), info.files.begin(), info.files.end());
    result.push_back(std::move(info));
  }
  std::sort(grouped.begin(), grouped.end());
  // Hidden files that are not DICOM at all (.DS_Store, ._* from macOS copies) are
  // not worth a warning.
  for (const std::string& file : sound)
    if (!std::binary_search(grouped.begin(), grouped.end(), file) && fs::path(file).filename().string().rfind('.', 0) != 0 &&
        !isReadableDicomObject(file))
      skipped.push_back({file, {}, {}});
  std::sort(skipped.begin(), skipped.end(), [](const SkippedFile& a, const SkippedFile& b) { return a.path < b.path; });
  const std::string warning = skippedWarning(folder, skipped);

  // Descriptive tags from the first file of each series (headers only).
  std::vector<std::string> firstFiles;
  for (const DicomSeriesInfo& info : result) firstFiles.push_back(info.files.front());
  gdcm::Scanner scanner;
  for (const gdcm::Tag& t : {kSopClass, kModality, kSeriesDescription, kSeriesUid, kPatientName, kPatientId})
    scanner.AddTag(t);
  scanner.Scan(firstFiles);
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
    // A damaged file of this very series is its reader's error, not a skipped file.
    for (const SkippedFile& f : skipped)
      if (!f.reason.empty() && !info.seriesInstanceUid.empty() && f.seriesInstanceUid == info.seriesInstanceUid)
        info.damagedFiles.push_back(f.path + ": " + f.reason);
    if (!warning.empty()) info.warnings.push_back(warning);
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
  if (!isFolder)
    if (const std::string problem = internal::findDicomStructureProblem(path); !problem.empty()) throw Error(path, problem);
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
    const std::string modalities = modalitiesOfDicomFiles(filesIn(path, recursive), count);
    // Only damaged files: the first one's reason is the folder's.
    std::vector<SkippedFile> damaged;
    for (const std::string& file : filesIn(path, recursive))
      if (std::string problem = internal::findDicomStructureProblem(file); !problem.empty())
        damaged.push_back({file, std::move(problem), {}});
    if (!damaged.empty() && count == 0)
      throw Error(damaged.front().path, damaged.front().reason + " (the folder holds no other DICOM series" +
                                            (damaged.size() > 1 ? "; " + std::to_string(damaged.size()) +
                                                                      " damaged file(s) in all)"
                                                                : ")"));
    const std::string skipped = damaged.empty() ? std::string() : "; " + skippedWarning(path, damaged);
    if (count > 0)
      throw Error(path, "folder holds only DICOM objects without images: " + std::to_string(count) + " file(s) (" +
                            modalities + ")" + skipped);
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
