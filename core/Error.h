#pragma once
// The one exception type every layer throws for user-facing failures. Its message is
// a single line that names the file (when there is one) and the reason; the CLI and
// the GUI print it as it is. A kind says what went wrong where a caller acts on it
// (the CLI's hints, the batch report, the viewer): nothing depends on the wording.

#include <stdexcept>
#include <string>

namespace aunet::core {

enum class ErrorKind {
  General,          // anything without a specific remedy
  ModelNotFound,    // a model path or name that does not exist
  DatasetNotFound,  // a dataset folder or its dataset.json missing
  NoInputImages,    // the inputs hold no image at all
  UnevenSlices,     // a DICOM series with gaps or uneven slice spacing
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  // "<path>: <reason>"
  Error(const std::string& path, const std::string& reason) : std::runtime_error(path + ": " + reason) {}
  Error(ErrorKind kind, const std::string& path, const std::string& reason)
      : std::runtime_error(path + ": " + reason), kind_(kind) {}
  // A whole message with its kind (an error passed on from the image reader helper).
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}

  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_ = ErrorKind::General;
};

}  // namespace aunet::core
