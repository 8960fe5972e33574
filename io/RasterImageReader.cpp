#include "io/RasterImageReader.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstring>
#include <fstream>

#include "core/Error.h"
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

// OpenCV picks its decoder from the content, not the name, and has many more than
// the four 2D formats aunet documents, DICOM through GDCM among them: a DICOM file
// named .tif made GDCM allocate what a crafted length claimed (found by
// fuzz_image_reader). Only PNG, JPEG, TIFF and BMP content goes to cv::imread.
void requireRasterSignature(const std::string& path) {
  unsigned char b[8] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::Error(path, "cannot open the file");
  in.read(reinterpret_cast<char*>(b), sizeof b);
  const auto n = in.gcount();
  const bool png = n >= 8 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0;
  const bool jpeg = n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
  const bool tiff = n >= 4 && ((b[0] == 'I' && b[1] == 'I' && (b[2] == 42 || b[2] == 43) && b[3] == 0) ||
                               (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && (b[3] == 42 || b[3] == 43)));
  const bool bmp = n >= 2 && b[0] == 'B' && b[1] == 'M';
  if (!png && !jpeg && !tiff && !bmp)
    throw core::Error(path, "not a PNG, JPEG, TIFF or BMP file (its first bytes are no such signature)");
}

}  // namespace

core::Volume readRasterImage(const std::string& path, const ReadOptions& options) {
  requireRasterSignature(path);
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
