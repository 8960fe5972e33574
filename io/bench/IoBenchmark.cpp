// aunet_io_bench: image IO throughput. Writes and reads a CT-like int16 volume
// (default 512x512x300) as .nii and .nii.gz, writes it as a DICOM series and reads
// that series back, and prints MB/s. MB = the int16 voxel data (size x 2 bytes,
// 10^6 bytes per MB), whatever the file size. Every read is checked against the
// original voxels and geometry, so a fast but wrong reader cannot pass. NIfTI reads
// run side by side with ITK's NiftiImageIO (the reader aunet used before its own),
// with the ratio.
// Not a test: results go to docs/performance.md.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <itkImageIORegion.h>
#include <itkNiftiImageIO.h>

#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "core/HeapReuse.h"
#include "io/ReadIsolation.h"
#include "core/Error.h"
#include "io/internal/DicomSeriesWriter.h"

namespace fs = std::filesystem;
using namespace aunet;

namespace {

struct Settings {
  core::Index3 size{512, 512, 300};
  int repeats = 3;
  fs::path folder;
  bool keep = false;
};

void usage() {
  std::cout << "usage: aunet_io_bench [--size NX NY NZ] [--repeats N] [--dir FOLDER] [--keep]\n"
               "  --size     volume size (default 512 512 300)\n"
               "  --repeats  timed runs per operation; the median is reported (default 3)\n"
               "  --dir      scratch folder (default: a new folder in the system temp dir)\n"
               "  --keep     leave the files there\n";
}

// CT-like content: air, a body ellipse of soft tissue with noise, a bony ring. Noise
// keeps gzip honest (a constant volume compresses 1000:1).
core::Volume ctLikeVolume(const core::Index3& size) {
  core::Geometry g;
  g.size = size;
  g.spacing = {0.7, 0.7, 1.25};
  g.origin = {-179.3, -200.1, -350.0};
  core::Volume v(g, 1, core::PixelType::Int16);
  std::mt19937 rng(42);
  std::normal_distribution<float> noise(0.0f, 12.0f);
  for (int64_t k = 0; k < size[2]; ++k)
    for (int64_t j = 0; j < size[1]; ++j)
      for (int64_t i = 0; i < size[0]; ++i) {
        const double x = (i - size[0] / 2.0) / (0.42 * size[0]), y = (j - size[1] / 2.0) / (0.32 * size[1]);
        const double r = x * x + y * y;
        float value = -1000.0f;
        if (r < 1.0) value = 40.0f + std::round(noise(rng));
        if (r > 0.80 && r < 0.86) value = 700.0f + std::round(noise(rng));
        v.at(i, j, k) = value;
      }
  return v;
}

double seconds(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

uint64_t bytesOf(const fs::path& p) {
  if (!fs::is_directory(p)) return fs::file_size(p);
  uint64_t total = 0;
  for (const auto& e : fs::directory_iterator(p)) total += e.file_size();
  return total;
}

void check(const core::Volume& expected, const core::Volume& actual, const std::string& what) {
  if (!actual.geometry().sameGrid(expected.geometry(), 1e-4))
    throw core::Error(what, "geometry differs after the round trip: " + actual.geometry().describe());
  if (actual.voxels() != expected.voxels()) throw core::Error(what, "voxels differ after the round trip");
}

void report(const std::string& what, const std::vector<double>& times, double megabytes, uint64_t fileBytes) {
  const double t = median(times);
  std::cout << std::left << std::setw(34) << what << std::right << std::fixed << std::setprecision(2) << std::setw(8)
            << t << " s " << std::setw(9) << std::setprecision(1) << megabytes / t << " MB/s   (file "
            << std::setprecision(1) << fileBytes / 1e6 << " MB, runs:";
  for (double x : times) std::cout << " " << std::setprecision(2) << x;
  std::cout << ")" << std::endl;
}

// The peer: ITK's NIfTI reader into the same float volume (native buffer, then
// converted), as aunet read NIfTI before it had its own reader.
core::Volume readWithItkNifti(const std::string& file) {
  auto io = itk::NiftiImageIO::New();
  io->SetFileName(file);
  io->ReadImageInformation();
  core::Geometry g;
  for (unsigned a = 0; a < 3; ++a) {
    g.size[a] = static_cast<int64_t>(io->GetDimensions(a));
    g.spacing[a] = io->GetSpacing(a);
    g.origin[a] = io->GetOrigin(a);
    const auto column = io->GetDirection(a);
    for (unsigned r = 0; r < 3; ++r) g.direction[r * 3 + a] = column[r];
  }
  if (io->GetComponentType() != itk::IOComponentEnum::SHORT) throw core::Error(file, "the peer expects int16");
  std::vector<int16_t> native(static_cast<size_t>(g.voxelCount()));
  itk::ImageIORegion region(3);
  for (unsigned a = 0; a < 3; ++a) region.SetSize(a, io->GetDimensions(a));
  io->SetIORegion(region);
  io->Read(native.data());
  core::Volume v(g, 1, core::PixelType::Int16);
  std::copy(native.begin(), native.end(), v.data());
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  aunet::core::reuseFreedMemory();  // as aunet and aunet-viewer do
  Settings s;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--size" && a + 3 < argc) {
      for (int d = 0; d < 3; ++d) s.size[d] = std::atoll(argv[++a]);
    } else if (arg == "--repeats" && a + 1 < argc) {
      s.repeats = std::max(1, std::atoi(argv[++a]));
    } else if (arg == "--dir" && a + 1 < argc) {
      s.folder = argv[++a];
    } else if (arg == "--keep") {
      s.keep = true;
    } else {
      usage();
      return arg == "--help" || arg == "-h" ? 0 : 2;
    }
  }
  if (s.folder.empty()) s.folder = fs::temp_directory_path() / ("aunet-io-bench-" + std::to_string(std::random_device{}()));
  try {
    fs::create_directories(s.folder);
    const core::Volume volume = ctLikeVolume(s.size);
    const double megabytes = static_cast<double>(volume.geometry().voxelCount()) * 2.0 / 1e6;
    std::cout << "aunet_io_bench: " << s.size[0] << "x" << s.size[1] << "x" << s.size[2] << " int16 ("
              << std::setprecision(1) << std::fixed << megabytes << " MB of voxel data), median of " << s.repeats
              << " run(s), scratch " << s.folder.string() << "\n";

    // In this process, then through aunet-image-reader as the CLI reads (when the
    // helper is next to this program): the difference is the isolation's cost.
    const std::string helper = io::defaultReaderHelper();
    auto measureReads = [&](const std::string& label, const std::string& file) {
      for (const bool isolated : {false, true}) {
        if (isolated && helper.empty()) continue;
        io::setReadIsolation(io::ReadIsolation{isolated ? helper : std::string(), 0.0});
        std::vector<double> reads;
        core::Volume back;
        for (int r = 0; r < s.repeats; ++r) {
          back = core::Volume();  // free the previous copy first: measure one buffer's allocation
          reads.push_back(seconds([&] { back = io::readImage(file); }));
        }
        check(volume, back, file);
        report(label + (isolated ? " (helper process)" : ""), reads, megabytes, bytesOf(file));
      }
      io::setReadIsolation({});
    };
    for (const std::string ext : {".nii", ".nii.gz"}) {
      const std::string file = (s.folder / ("volume" + ext)).string();
      std::vector<double> writes, reads;
      for (int r = 0; r < s.repeats; ++r) writes.push_back(seconds([&] { io::writeImage(volume, file); }));
      report("write " + ext, writes, megabytes, bytesOf(file));
      measureReads("read  " + ext, file);
      std::vector<double> peer, ours;
      core::Volume back;
      for (int r = 0; r < s.repeats; ++r) {
        back = core::Volume();
        peer.push_back(seconds([&] { back = readWithItkNifti(file); }));
        check(volume, back, file + " (ITK)");
        back = core::Volume();
        ours.push_back(seconds([&] { back = io::readImage(file); }));
      }
      report("read  " + ext + " (ITK NiftiImageIO, peer)", peer, megabytes, bytesOf(file));
      std::cout << "  aunet / ITK time ratio for " << ext << ": " << std::setprecision(2) << median(ours) / median(peer)
                << " (below 1: aunet's reader is faster)" << std::endl;
      // ITK's NIfTI library opens x.nii when asked for x.nii.gz if both exist: the
      // .nii.gz timings need the .nii gone.
      if (ext == ".nii") fs::remove(file);
    }

    const fs::path dicom = s.folder / "dicom";
    fs::remove_all(dicom);
    fs::create_directories(dicom);
    const double writeTime = seconds([&] { io::internal::writeDicomSeries(volume, dicom.string()); });
    report("write DICOM (" + std::to_string(s.size[2]) + " files, setup)", {writeTime}, megabytes, bytesOf(dicom));
    measureReads("read  DICOM series (folder)", dicom.string());
    if (!s.keep) fs::remove_all(s.folder);
  } catch (const std::exception& e) {
    std::cerr << "aunet_io_bench: error: " << e.what() << "\n";
    std::error_code ec;
    if (!s.keep) fs::remove_all(s.folder, ec);
    return 1;
  }
  return 0;
}
