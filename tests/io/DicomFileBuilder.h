#pragma once
// Writes DICOM Part 10 files byte by byte (explicit VR little endian), so tests can
// build exactly the broken series real archives hold: two series in one folder,
// missing or duplicated slice positions, objects without pixel data (structured
// reports), transfer syntaxes no decoder supports. Test support only.

#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace aunet::io::test {

class DicomFileBuilder {
 public:
  static constexpr const char* kCtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
  static constexpr const char* kBasicTextSr = "1.2.840.10008.5.1.4.1.1.88.11";
  static constexpr const char* kExplicitLittle = "1.2.840.10008.1.2.1";

  // Sets (or replaces) one element. `vr` is the two-letter value representation.
  DicomFileBuilder& set(uint16_t group, uint16_t element, const std::string& vr, std::string value) {
    if (value.size() % 2) value.push_back(vr == "UI" || vr == "OB" ? '\0' : ' ');
    elements_[{group, element}] = {vr, std::move(value)};
    return *this;
  }
  DicomFileBuilder& transferSyntax(std::string uid) {
    transferSyntax_ = std::move(uid);
    return *this;
  }
  // Pixel data as stored after the other elements; `encapsulated` writes an undefined
  // length OB with a basic offset table item and one fragment (compressed syntaxes).
  DicomFileBuilder& pixelData(std::string bytes, bool encapsulated = false) {
    pixels_ = std::move(bytes);
    encapsulated_ = encapsulated;
    hasPixels_ = true;
    return *this;
  }

  // A CT slice of rows x columns int16 values `value + r + c`, at z = `z` mm with
  // 1 mm pixels, in `seriesUid`.
  static DicomFileBuilder ctSlice(const std::string& seriesUid, int instance, double z, int rows = 8, int columns = 8,
                                  int16_t value = 100) {
    DicomFileBuilder b;
    const std::string sop = seriesUid + "." + std::to_string(instance);
    b.set(0x0008, 0x0016, "UI", kCtImageStorage)
        .set(0x0008, 0x0018, "UI", sop)
        .set(0x0008, 0x0060, "CS", "CT")
        .set(0x0008, 0x103e, "LO", "generated " + seriesUid)
        .set(0x0010, 0x0010, "PN", "Test^Patient")
        .set(0x0020, 0x000d, "UI", "1.2.826.0.1.3680043.2.1125.1")
        .set(0x0020, 0x000e, "UI", seriesUid)
        .set(0x0020, 0x0013, "IS", std::to_string(instance))
        .set(0x0020, 0x0032, "DS", "0\\0\\" + number(z))
        .set(0x0020, 0x0037, "DS", "1\\0\\0\\0\\1\\0")
        .set(0x0028, 0x0002, "US", u16(1))
        .set(0x0028, 0x0004, "CS", "MONOCHROME2")
        .set(0x0028, 0x0010, "US", u16(static_cast<uint16_t>(rows)))
        .set(0x0028, 0x0011, "US", u16(static_cast<uint16_t>(columns)))
        .set(0x0028, 0x0030, "DS", "1\\1")
        .set(0x0028, 0x0100, "US", u16(16))
        .set(0x0028, 0x0101, "US", u16(16))
        .set(0x0028, 0x0102, "US", u16(15))
        .set(0x0028, 0x0103, "US", u16(1))
        .set(0x0028, 0x1052, "DS", "0")
        .set(0x0028, 0x1053, "DS", "1");
    std::string pixels;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < columns; ++c) pixels += u16(static_cast<uint16_t>(value + r + c));
    b.pixelData(pixels);
    return b;
  }

  // A Basic Text structured report: a DICOM object without any image.
  static DicomFileBuilder textReport(const std::string& seriesUid) {
    DicomFileBuilder b;
    b.set(0x0008, 0x0016, "UI", kBasicTextSr)
        .set(0x0008, 0x0018, "UI", seriesUid + ".1")
        .set(0x0008, 0x0060, "CS", "SR")
        .set(0x0010, 0x0010, "PN", "Test^Patient")
        .set(0x0020, 0x000d, "UI", "1.2.826.0.1.3680043.2.1125.1")
        .set(0x0020, 0x000e, "UI", seriesUid)
        .set(0x0040, 0xa040, "CS", "CONTAINER");
    return b;
  }

  void write(const std::string& path) const {
    std::string meta;
    const std::string sopClass = value(0x0008, 0x0016), sopInstance = value(0x0008, 0x0018);
    appendElement(meta, 0x0002, 0x0001, "OB", std::string("\0\1", 2));
    appendElement(meta, 0x0002, 0x0002, "UI", sopClass);
    appendElement(meta, 0x0002, 0x0003, "UI", sopInstance);
    appendElement(meta, 0x0002, 0x0010, "UI", padded(transferSyntax_));
    appendElement(meta, 0x0002, 0x0012, "UI", padded("1.2.826.0.1.3680043.2.1125.99"));
    std::string file(128, '\0');
    file += "DICM";
    appendElement(file, 0x0002, 0x0000, "UL", u32(static_cast<uint32_t>(meta.size())));
    file += meta;
    for (const auto& [tag, e] : elements_) appendElement(file, tag.first, tag.second, e.first, e.second);
    if (hasPixels_) {
      if (encapsulated_) {
        file += tagBytes(0x7fe0, 0x0010) + "OB" + std::string(2, '\0') + u32(0xffffffffu);
        file += tagBytes(0xfffe, 0xe000) + u32(0);  // empty basic offset table
        std::string fragment = pixels_;
        if (fragment.size() % 2) fragment.push_back('\0');
        file += tagBytes(0xfffe, 0xe000) + u32(static_cast<uint32_t>(fragment.size())) + fragment;
        file += tagBytes(0xfffe, 0xe0dd) + u32(0);  // sequence delimiter
      } else {
        appendElement(file, 0x7fe0, 0x0010, "OW", pixels_);
      }
    }
    std::ofstream(path, std::ios::binary).write(file.data(), static_cast<std::streamsize>(file.size()));
  }

  // The data set alone, implicit VR little endian, without preamble and meta group:
  // how old archives (ACR-NEMA era exports) hold images.
  void writeImplicitDataSet(const std::string& path) const {
    std::string file;
    auto element = [&](uint16_t group, uint16_t element, const std::string& value) {
      file += tagBytes(group, element) + u32(static_cast<uint32_t>(value.size())) + value;
    };
    for (const auto& [tag, e] : elements_) element(tag.first, tag.second, e.second);
    if (hasPixels_) element(0x7fe0, 0x0010, pixels_);
    std::ofstream(path, std::ios::binary).write(file.data(), static_cast<std::streamsize>(file.size()));
  }

  static std::string u16(uint16_t v) { return std::string{static_cast<char>(v & 0xff), static_cast<char>(v >> 8)}; }
  static std::string u32(uint32_t v) { return u16(static_cast<uint16_t>(v & 0xffff)) + u16(static_cast<uint16_t>(v >> 16)); }

 private:
  static std::string number(double v) {
    std::string s = std::to_string(v);
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
  }
  static std::string padded(std::string uid) {
    if (uid.size() % 2) uid.push_back('\0');
    return uid;
  }
  static std::string tagBytes(uint16_t group, uint16_t element) { return u16(group) + u16(element); }
  static void appendElement(std::string& out, uint16_t group, uint16_t element, const std::string& vr,
                            const std::string& value) {
    out += tagBytes(group, element) + vr;
    if (vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT")
      out += std::string(2, '\0') + u32(static_cast<uint32_t>(value.size()));
    else
      out += u16(static_cast<uint16_t>(value.size()));
    out += value;
  }
  std::string value(uint16_t group, uint16_t element) const {
    const auto it = elements_.find({group, element});
    return it == elements_.end() ? std::string() : it->second.second;
  }

  std::map<std::pair<uint16_t, uint16_t>, std::pair<std::string, std::string>> elements_;
  std::string transferSyntax_ = kExplicitLittle;
  std::string pixels_;
  bool encapsulated_ = false;
  bool hasPixels_ = false;
};

}  // namespace aunet::io::test
