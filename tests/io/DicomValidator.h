#pragma once
// dciodvfy (Debian's dicom3tools): the reference validator of DICOM objects against
// their IOD. Tests count the lines it starts with "Error".

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace aunet::io::test {

struct DicomValidation {
  bool ran = false;
  std::vector<std::string> errors;
  std::string output;
};

inline DicomValidation validateDicom(const std::string& file) {
  DicomValidation result;
  const std::string command = "dciodvfy '" + file + "' 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  std::string line;
  while (fgets(buffer.data(), buffer.size(), pipe.get())) result.output += buffer.data();
  result.ran = result.output.find("not found") == std::string::npos;
  size_t start = 0;
  while (start < result.output.size()) {
    size_t end = result.output.find('\n', start);
    if (end == std::string::npos) end = result.output.size();
    const std::string l = result.output.substr(start, end - start);
    if (l.rfind("Error", 0) == 0) result.errors.push_back(l);
    start = end + 1;
  }
  return result;
}

}  // namespace aunet::io::test
