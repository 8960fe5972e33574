#include "pipeline/PreprocessedCaseCache.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "io/TextFileWriter.h"
#include "core/Error.h"
#include "core/Log.h"

namespace aunet::pipeline {

namespace fs = std::filesystem;

namespace {

nlohmann::json fileStamp(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  const auto time = fs::last_write_time(path, ec);
  return {{"path", fs::absolute(path).string()},
          {"size", ec ? -1 : static_cast<int64_t>(size)},
          {"mtime", ec ? 0 : static_cast<int64_t>(time.time_since_epoch().count())}};
}

}  // namespace

PreprocessedCaseCache::PreprocessedCaseCache(std::string folder, const model::TrainingPlan& plan, bool writable)
    : folder_(std::move(folder)), plan_(plan), writable_(writable) {}

std::string PreprocessedCaseCache::keyFor(const io::NnUNetCase& source) const {
  // format 2: cases cropped on the model grid (imaging/ModelSpace.h) instead of
  // resampled from the crop's own corner; format-1 entries are prepared again.
  nlohmann::json key{{"format", 2},
                     {"spatial_dims", plan_.spatial_dims},
                     {"preprocessing", plan_.preprocessing.toJson()},
                     {"label", fileStamp(source.labelPath)},
                     {"images", nlohmann::json::array()}};
  for (const auto& p : source.imagePaths) key["images"].push_back(fileStamp(p));
  return key.dump() + "\n";
}

TrainingCase PreprocessedCaseCache::load(const io::NnUNetCase& source) {
  const fs::path base = fs::path(folder_) / source.id;
  const std::string keyPath = base.string() + ".key.json", imagePath = base.string() + "_image.nrrd",
                    labelPath = base.string() + "_labels.nrrd";
  const std::string key = keyFor(source);
  std::ifstream in(keyPath);
  if (in) {
    std::stringstream stored;
    stored << in.rdbuf();
    if (stored.str() == key) {
      try {
        TrainingCase c{source.id, io::readImage(imagePath), io::readLabelMap(labelPath)};
        ++hits_;
        return c;
      } catch (const core::Error& e) {  // a damaged entry is prepared again, not fatal
        core::log::warning(std::string("preprocessed cache: ") + e.what() + "; preparing the case again");
      }
    }
  }
  ++misses_;
  TrainingCase c = preprocessTrainingCase(source, plan_);
  if (writable_) {
    std::error_code ec;
    fs::create_directories(folder_, ec);
    if (ec) throw core::Error(folder_, "cannot create the preprocessed-case folder: " + ec.message());
    io::WriteOptions raw;
    raw.compress = false;  // a scratch copy: fast to write and read
    io::writeImage(c.image, imagePath, raw);
    io::writeLabelMap(c.labels, labelPath, raw);
    io::writeTextFile(keyPath, key);  // last: marks the entry complete
  }
  return c;
}

}  // namespace aunet::pipeline
