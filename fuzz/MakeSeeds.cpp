// Writes the seed corpora scripts/fuzz.sh starts each fuzzer from: valid files of
// every kind the fuzz targets read, small enough for libFuzzer's default input size.
//   aunet_fuzz_seeds OUTDIR   ->  OUTDIR/model/, OUTDIR/image/, OUTDIR/dataset/

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "io/ImageWriter.h"
#include "core/Phantom.h"
#include "model/AttentionUNet.h"
#include "model/ModelFile.h"
#include "tests/io/DicomFileBuilder.h"

namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeAll(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

// An 8-bit gray PNG, by hand (the io layer reads PNG but does not write it).
std::string grayPng(uint32_t width, uint32_t height) {
  auto be32 = [](std::string& s, uint32_t v) {
    for (int b = 3; b >= 0; --b) s.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
  };
  auto chunk = [&](std::string& out, const char* type, const std::string& data) {
    be32(out, static_cast<uint32_t>(data.size()));
    const std::string body = std::string(type, 4) + data;
    out += body;
    be32(out, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
  };
  std::string raw;
  for (uint32_t y = 0; y < height; ++y) {
    raw.push_back('\0');
    for (uint32_t x = 0; x < width; ++x) raw.push_back(static_cast<char>(x * 16 + y));
  }
  uLongf packedSize = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packedSize, '\0');
  compress(reinterpret_cast<Bytef*>(packed.data()), &packedSize, reinterpret_cast<const Bytef*>(raw.data()),
           static_cast<uLong>(raw.size()));
  packed.resize(packedSize);
  std::string ihdr;
  be32(ihdr, width);
  be32(ihdr, height);
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);
  std::string png = "\x89PNG\r\n\x1a\n";
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT", packed);
  chunk(png, "IEND", "");
  return png;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: aunet_fuzz_seeds OUTDIR\n";
    return 2;
  }
  const fs::path out(argv[1]);
  for (const char* d : {"model", "image", "dataset"}) fs::create_directories(out / d);
  const fs::path scratch = out / ".scratch";
  fs::create_directories(scratch);

  // Model files: a 3D and a 2D network, as small as the format allows.
  torch::manual_seed(1);
  aunet::model::AttentionUNet net3(aunet::model::AttentionUNetOptions(3, 1, 2).channels({2, 4}));
  aunet::model::ModelMetadata meta;
  meta.labels = aunet::model::LabelInfo::defaults(2);
  meta.plan.target_spacing = {1.0, 1.0, 1.0};
  meta.plan.patch_size = {8, 8, 8};
  aunet::model::ModelFile::save((out / "model" / "tiny3d.aunet").string(), net3, meta);
  aunet::model::AttentionUNet net2(aunet::model::AttentionUNetOptions(2, 2, 3).channels({2, 4}).gated_levels({}));
  meta.labels = aunet::model::LabelInfo::defaults(3);
  aunet::model::ModelFile::save((out / "model" / "tiny2d.aunet").string(), net2, meta);

  // Images: the first byte selects the extension (FuzzImageReader.cpp's table).
  const char* const endings[] = {".nii", ".nii.gz", ".nrrd", ".mha"};
  aunet::core::Geometry g;
  g.size = {6, 5, 4};
  g.spacing = {0.8, 0.9, 2.0};
  g.origin = {-3, 4, 5};
  aunet::core::Volume v = aunet::core::Phantom::ellipsoids(g, 2).image;
  for (int e = 0; e < 4; ++e) {
    const fs::path file = scratch / (std::string("seed") + endings[e]);
    aunet::io::writeImage(v, file.string());
    writeAll(out / "image" / ("seed" + std::to_string(e)), std::string(1, static_cast<char>(e)) + readAll(file));
  }
  writeAll(out / "image" / "seed4", std::string(1, '\x04') + grayPng(5, 4));
  aunet::io::test::DicomFileBuilder::ctSlice("1.2.826.0.1.3680043.2.1125.5", 1, 0.0, 4, 4)
      .write((scratch / "slice.dcm").string());
  writeAll(out / "image" / "seed5", std::string(1, '\x05') + readAll(scratch / "slice.dcm"));

  // dataset.json: the shapes nnU-Net v2 writes.
  writeAll(out / "dataset" / "mr.json",
           R"({"channel_names": {"0": "T2"}, "labels": {"background": 0, "organ": 1}, "numTraining": 1, "file_ending": ".nii.gz"})");
  writeAll(out / "dataset" / "ct.json",
           R"({"name": "Liver", "channel_names": {"0": "CT"}, "labels": {"background": 0, "liver": 1, "tumour": 2},
               "numTraining": 2, "file_ending": ".nii.gz", "description": "x", "licence": "y"})");
  writeAll(out / "dataset" / "nrrd.json",
           R"({"channel_names": {"0": "MR", "1": "ADC"}, "labels": {"background": 0, "a": 1}, "numTraining": 1, "file_ending": ".nrrd"})");
  fs::remove_all(scratch);
  std::cout << "seeds written to " << out.string() << "\n";
  return 0;
}
