#pragma once
// Writes small nnU-Net v2 datasets of ellipsoid phantoms at test run time (io and app
// tests), and lets a test break them in one chosen way.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/ImageWriter.h"
#include "core/Phantom.h"

namespace aunet::io::test {

struct PhantomDatasetSpec {
  int cases = 4;
  std::vector<std::string> channels{"MR"};
  core::Index3 size{24, 20, 12};  // size[2] == 1 gives 2D cases
  // Spacing of case i: spacings[i % spacings.size()].
  std::vector<core::Vec3> spacings{{1.0, 1.0, 2.0}, {0.9, 0.9, 2.5}, {1.1, 1.1, 2.0}};
  double noiseSigma = 4.0;
  std::string ending = ".nii.gz";
  bool mergeLesion = false;  // labels background/organ only (the lesion counts as organ)
};

inline std::string caseId(int i) { return "case_" + std::to_string(1000 + i).substr(1); }

// dataset.json with labels background/organ/lesion (0/1/2) and the cases.
inline void writePhantomDataset(const std::filesystem::path& dir, const PhantomDatasetSpec& spec = {}) {
  namespace fs = std::filesystem;
  fs::create_directories(dir / "imagesTr");
  fs::create_directories(dir / "labelsTr");
  nlohmann::json j;
  j["name"] = "Phantoms";
  for (size_t c = 0; c < spec.channels.size(); ++c) j["channel_names"][std::to_string(c)] = spec.channels[c];
  j["labels"] = {{"background", 0}, {"organ", 1}, {"lesion", 2}};
  if (spec.mergeLesion) j["labels"] = {{"background", 0}, {"organ", 1}};
  j["numTraining"] = spec.cases;
  j["file_ending"] = spec.ending;
  std::ofstream(dir / "dataset.json") << j.dump(2);
  for (int i = 0; i < spec.cases; ++i) {
    core::Geometry g;
    g.size = spec.size;
    g.spacing = spec.spacings[static_cast<size_t>(i) % spec.spacings.size()];
    g.origin = {-5.0 * i, 3.0, 1.0};
    for (size_t c = 0; c < spec.channels.size(); ++c) {
      core::Phantom p = core::Phantom::ellipsoids(g, static_cast<uint64_t>(i + 1), spec.noiseSigma);
      // Channels differ in contrast but share the anatomy (same seed).
      if (c > 0)
        for (auto& v : p.image.voxels()) v = 300.0f - v;
      char suffix[8];
      std::snprintf(suffix, sizeof(suffix), "_%04d", static_cast<int>(c));
      writeImage(p.image, (dir / "imagesTr" / (caseId(i) + suffix + spec.ending)).string());
      if (spec.mergeLesion)
        for (auto& l : p.labels.labels()) l = l > 0 ? 1 : 0;
      if (c == 0) writeLabelMap(p.labels, (dir / "labelsTr" / (caseId(i) + spec.ending)).string());
    }
  }
}

}  // namespace aunet::io::test
