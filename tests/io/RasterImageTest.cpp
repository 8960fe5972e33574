// 2D raster images through OpenCV: channel order, gray conversion, errors.

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>
#include <utility>

#include "io/ImageReader.h"
#include "core/Error.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::io {
namespace {

using namespace aunet::io::test;

// A 24-bit BMP written by hand: rows are stored bottom-up as B, G, R, padded to 4 bytes.
std::string bmp(int width, int height, const std::vector<std::array<uint8_t, 3>>& rgbTopDown) {
  const int rowBytes = (width * 3 + 3) / 4 * 4;
  const uint32_t dataBytes = static_cast<uint32_t>(rowBytes * height);
  std::string out(54, '\0');
  auto put32 = [&](size_t at, uint32_t v) { std::memcpy(&out[at], &v, 4); };
  auto put16 = [&](size_t at, uint16_t v) { std::memcpy(&out[at], &v, 2); };
  out[0] = 'B';
  out[1] = 'M';
  put32(2, 54 + dataBytes);
  put32(10, 54);
  put32(14, 40);
  put32(18, static_cast<uint32_t>(width));
  put32(22, static_cast<uint32_t>(height));
  put16(26, 1);
  put16(28, 24);
  put32(34, dataBytes);
  for (int y = height - 1; y >= 0; --y) {
    std::string row(rowBytes, '\0');
    for (int x = 0; x < width; ++x) {
      const auto& p = rgbTopDown[y * width + x];
      row[x * 3] = static_cast<char>(p[2]);
      row[x * 3 + 1] = static_cast<char>(p[1]);
      row[x * 3 + 2] = static_cast<char>(p[0]);
    }
    out += row;
  }
  return out;
}

class Raster : public ScratchTest {};

TEST_F(Raster, ColorKeepsRgbChannelsRowZeroFirst) {
  const std::string file = path("rgb.bmp");
  writeBytes(file, bmp(3, 2, {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30}, {40, 50, 60}, {70, 80, 90}}));
  const core::Volume v = readImage(file);
  EXPECT_EQ(v.geometry().size, (core::Index3{3, 2, 1}));
  EXPECT_EQ(v.channels(), 3);
  EXPECT_EQ(v.originalType(), core::PixelType::UInt8);
  EXPECT_EQ(v.at(0, 0, 0, 0), 255.0f);  // top-left is red
  EXPECT_EQ(v.at(0, 0, 0, 1), 0.0f);
  EXPECT_EQ(v.at(2, 0, 0, 2), 255.0f);  // top-right is blue
  EXPECT_EQ(v.at(1, 1, 0, 0), 40.0f);   // bottom row, middle: (40, 50, 60)
  EXPECT_EQ(v.at(1, 1, 0, 2), 60.0f);

  ReadOptions gray;
  gray.colorToGray = true;
  const core::Volume g = readImage(file, gray);
  EXPECT_EQ(g.channels(), 1);
  EXPECT_NEAR(g.at(0, 0, 0), 0.299 * 255, 1.0);  // luma of pure red
}

TEST_F(Raster, GrayBmpIsALabelMap) {
  const std::string file = path("mask.bmp");
  writeBytes(file, bmp(2, 2, {{0, 0, 0}, {1, 1, 1}, {2, 2, 2}, {0, 0, 0}}));
  ReadOptions gray;
  gray.colorToGray = true;
  EXPECT_EQ(readImage(file, gray).at(0, 1, 0), 2.0f);
  // Three channels are not a label map.
  EXPECT_THROW(readLabelMap(file), core::Error);
}

TEST_F(Raster, CorruptImageIsAnError) {
  const std::string file = path("broken.png");
  writeBytes(file, "\x89PNG\r\n\x1a\n this is not really a png");
  try {
    readImage(file);
    ADD_FAILURE() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(file + ": cannot decode image", 0), 0u) << e.what();
  }
}

// OpenCV decodes by content and knows formats aunet does not document (DICOM via
// GDCM, PPM, ...): only PNG, JPEG, TIFF and BMP content is decoded, whatever the name
// says among those four (a BMP named .png still reads).
TEST_F(Raster, OnlyTheFourRasterFormatsAreDecoded) {
  const std::string misnamed = path("actually-bmp.png");
  writeBytes(misnamed, bmp(2, 1, {{1, 2, 3}, {4, 5, 6}}));
  EXPECT_EQ(readImage(misnamed).geometry().size, (core::Index3{2, 1, 1}));

  std::string dicom(128, '\0');
  dicom += "DICM";
  dicom += std::string("\x02\x00\x00\x00UL\x04\x00\x00\x00\x00\x00", 12);
  const std::string ppm = "P5\n2 2\n255\n\x01\x02\x03\x04";
  for (const auto& [name, bytes] : {std::pair<std::string, std::string>{"dicom.tif", dicom}, {"gray.png", ppm},
                                    {"gray.jpg", ppm}}) {
    SCOPED_TRACE(name);
    const std::string file = path(name);
    writeBytes(file, bytes);
    try {
      readImage(file);
      ADD_FAILURE() << "expected an error";
    } catch (const core::Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(file + ": not a PNG, JPEG, TIFF or BMP file", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace aunet::io
