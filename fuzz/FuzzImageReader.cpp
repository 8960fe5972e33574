// Fuzzes the image-reading entry point (io::readImage, what every command and the
// viewer call on an input file) on in-memory files: the first byte picks the format
// (file name extension), the rest is the file, written to a RAM folder. Reads are
// limited to 32 MiB of voxel buffers (ReadOptions::memoryLimitBytes), so a header
// that gets past the size checks cannot exhaust the machine. core::Error is the
// expected outcome for broken files; anything else (a crash, another exception, an
// allocation the checks should have refused) is a finding.

#include <cstdint>
#include <string>

#include "fuzz/FuzzScratch.h"
#include "io/ImageReader.h"
#include "core/Error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kEndings[] = {".nii", ".nii.gz", ".nrrd", ".mha", ".png", ".dcm", ".tif", ".bmp", ".jpg"};
  if (size < 1) return 0;
  const std::string ending = kEndings[data[0] % (sizeof kEndings / sizeof kEndings[0])];
  // DICOM reads scan the file's folder for its series: give it a folder of its own.
  const std::string name = ending == ".dcm" ? "dicom/input.dcm" : "input" + ending;
  const std::string path = aunet::fuzz::writeInput(name, data + 1, size - 1);
  aunet::io::ReadOptions options;
  options.memoryLimitBytes = uint64_t{32} << 20;  // > 1032 x max_len: deflate's largest expansion
  try {
    aunet::io::readImage(path, options);
  } catch (const aunet::core::Error&) {
  }
  try {
    aunet::io::readLabelMap(path, options);
  } catch (const aunet::core::Error&) {
  }
  return 0;
}
