#include "io/RasterImageReader.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "io/core/Error.h"
#include "io/internal/SizeChecks.h"

namespace aunet::io {

namespace {

core::PixelType pixelTypeOf(int depth) {
  switch (depth) {
    case CV_8U: return core::PixelType::UInt8;
    case CV_8S: return core::PixelType::Int8;
    case CV_16U: return core::PixelType::UInt16;
    case CV_16S: return core::PixelType::Int16;
    case CV_32S: return core::PixelType::Int32;
    case CV_32F: return core::PixelType::Float32;
    default: return core::PixelType::Float64;
  }
}

}  // namespace

core::Volume readRasterImage(const std::string& path, const ReadOptions& options) {
  cv::Mat image;
  try {
    // UNCHANGED keeps 16-bit depth and alpha; IGNORE_ORIENTATION keeps pixel order
    // as stored (EXIF rotation would silently transpose a medical image).
    image = cv::imread(path, cv::IMREAD_UNCHANGED | cv::IMREAD_IGNORE_ORIENTATION);
  } catch (const cv::Exception& e) {
    throw core::Error(path, "cannot decode image: " + e.msg);
  }
  if (image.empty()) throw core::Error(path, "cannot decode image (corrupt, truncated or unsupported file)");
  if (image.dims != 2) throw core::Error(path, "image has " + std::to_string(image.dims) + " dimensions; expected 2D");
  if (options.colorToGray && image.channels() > 1) {
    cv::Mat gray;
    cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    image = gray;
  }
  core::Geometry g;
  g.size = {image.cols, image.rows, 1};
  const int channels = image.channels();
  internal::checkAllocation(path, g, channels, 0, options);
  core::Volume volume(g, channels, pixelTypeOf(image.depth()));
  cv::Mat asFloat;
  image.convertTo(asFloat, CV_MAKETYPE(CV_32F, channels));
  // OpenCV stores color as B, G, R(, A); we expose R, G, B(, A).
  std::vector<int> order(channels);
  for (int c = 0; c < channels; ++c) order[c] = c;
  if (channels >= 3) std::swap(order[0], order[2]);
  int64_t nonFinite = 0;
  for (int c = 0; c < channels; ++c) {
    float* dst = volume.channel(order[c]);
    for (int r = 0; r < asFloat.rows; ++r) {
      const float* row = asFloat.ptr<float>(r);
      for (int x = 0; x < asFloat.cols; ++x) {
        const float v = row[x * channels + c];
        nonFinite += !std::isfinite(v);
        dst[static_cast<int64_t>(r) * asFloat.cols + x] = v;
      }
    }
  }
  if (nonFinite > 0 && !options.allowNonFinite)
    throw core::Error(path, std::to_string(nonFinite) + " pixel values are NaN or infinite");
  return volume;
}

}  // namespace aunet::io
