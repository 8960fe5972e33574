#pragma once
// What "nothing half-written" means in a test: every file under a final name (no
// leading dot) in a folder is complete. Images and masks read back, model files pass
// their checksum and load, optimizer states are LibTorch archives, JSON parses, CSV
// ends with a newline; hidden files may only be a writer's temporary files.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>
#include <torch/serialize/input-archive.h>

#include "io/ImageReader.h"
#include "model/ModelFile.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::test {

namespace fs = std::filesystem;

inline bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Checks every file under a final name in `dir` (recursively) for completeness.
// Returns the number of hidden temporary files left by a killed writer.
inline int expectCompleteFiles(const fs::path& dir, const std::string& when) {
  int temporaries = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    const std::string path = entry.path().string();
    if (name.front() == '.') {
      // Only a writer's temporary file may be hidden: ".<stem>.tmp-<pid>-<random><ext>".
      EXPECT_NE(name.find(".tmp-"), std::string::npos) << when << ": unexpected hidden file " << path;
      ++temporaries;
      continue;
    }
    try {
      if (endsWith(name, ".nii.gz")) {
        if (name.find("_prob") != std::string::npos || name.find("_attention") != std::string::npos)
          io::readImage(path);
        else
          io::readLabelMap(path);
      } else if (endsWith(name, ".aunet")) {
        model::ModelFile::load(path);
      } else if (endsWith(name, ".optim")) {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
      } else if (endsWith(name, ".json")) {
        std::ifstream in(path);
        const auto j = nlohmann::json::parse(in);
        EXPECT_FALSE(j.is_null()) << path;
      } else if (endsWith(name, ".csv")) {
        const std::string text = io::test::readBytes(path);
        EXPECT_FALSE(text.empty()) << when << ": empty " << path;
        EXPECT_EQ(text.back(), '\n') << when << ": " << path << " does not end with a newline (cut short?)";
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << when << ": " << path << " is not complete: " << e.what();
    }
  }
  return temporaries;
}

}  // namespace aunet::test
