#include "model/ModelFile.h"

#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "core/Error.h"
#include "core/FileCommit.h"
#include "model/AttentionUNetOptions.h"

namespace aunet::model {

namespace {

constexpr std::array<char, 8> kMagic{'A', 'U', 'N', 'E', 'T', 'M', 'D', 'L'};
constexpr size_t kHeaderSize = 40;

void putU32(std::string& out, uint32_t v) {
  for (int b = 0; b < 4; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
}
void putU64(std::string& out, uint64_t v) {
  for (int b = 0; b < 8; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
}
uint64_t getLE(const char* p, int bytes) {
  uint64_t v = 0;
  for (int b = 0; b < bytes; ++b) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[b])) << (8 * b);
  return v;
}

uint32_t crc32Of(const std::string& a, const std::string& b) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed in chunks so multi-GB payloads stay correct.
  auto feed = [&crc](const std::string& s) {
    for (size_t off = 0; off < s.size(); off += (1u << 30)) {
      const size_t n = std::min<size_t>(s.size() - off, 1u << 30);
      crc = crc32(crc, reinterpret_cast<const Bytef*>(s.data() + off), static_cast<uInt>(n));
    }
  };
  feed(a);
  feed(b);
  return static_cast<uint32_t>(crc);
}

// First line of a (possibly multi-line, stack-traced) c10 message.
std::string firstLine(const std::string& message) {
  const auto pos = message.find('\n');
  return pos == std::string::npos ? message : message.substr(0, pos);
}

struct RawModel {
  nlohmann::json json;
  std::string weights;
};

RawModel readVerified(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw core::Error(core::ErrorKind::ModelNotFound, path, "model file does not exist");
  if (std::filesystem::is_directory(path, ec)) throw core::Error(path, "is a directory, not a model file");
  const uint64_t fileSize = std::filesystem::file_size(path, ec);
  if (ec) throw core::Error(path, "cannot read model file size: " + ec.message());

  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::Error(path, "cannot open model file: " + std::string(std::strerror(errno)));
  std::array<char, kHeaderSize> header{};
  in.read(header.data(), static_cast<std::streamsize>(std::min<uint64_t>(fileSize, kHeaderSize)));
  if (fileSize >= 2 && header[0] == 'P' && header[1] == 'K')
    throw core::Error(path, "not an aunet model file (it is a zip archive, e.g. a PyTorch/TorchScript file)");
  if (fileSize < kMagic.size() || std::memcmp(header.data(), kMagic.data(), kMagic.size()) != 0)
    throw core::Error(path, "not an aunet model file (missing the AUNETMDL signature)");
  if (fileSize < kHeaderSize)
    throw core::Error(path, "model file is truncated (" + std::to_string(fileSize) + " bytes, header alone needs " +
                                std::to_string(kHeaderSize) + ")");

  const auto version = static_cast<uint32_t>(getLE(header.data() + 8, 4));
  if (version == 0) throw core::Error(path, "model file is corrupted (format version 0)");
  if (version > ModelFile::kFormatVersion)
    throw core::Error(path, "model file format version " + std::to_string(version) +
                                " is newer than this aunet supports (" + std::to_string(ModelFile::kFormatVersion) +
                                "); upgrade aunet to read it");
  const uint64_t jsonSize = getLE(header.data() + 16, 8);
  const uint64_t weightsSize = getLE(header.data() + 24, 8);
  const auto storedCrc = static_cast<uint32_t>(getLE(header.data() + 32, 4));
  // Check the claimed sizes against the file before allocating anything.
  if (jsonSize > fileSize || weightsSize > fileSize || kHeaderSize + jsonSize + weightsSize > fileSize)
    throw core::Error(path, "model file is truncated (header announces " +
                                std::to_string(kHeaderSize + jsonSize + weightsSize) + " bytes, file has " +
                                std::to_string(fileSize) + ")");
  if (kHeaderSize + jsonSize + weightsSize < fileSize)
    throw core::Error(path, "model file is corrupted (" + std::to_string(fileSize - kHeaderSize - jsonSize - weightsSize) +
                                " unexpected trailing bytes)");

  std::string jsonText(jsonSize, '\0');
  RawModel raw;
  raw.weights.assign(weightsSize, '\0');
  in.read(jsonText.data(), static_cast<std::streamsize>(jsonSize));
  in.read(raw.weights.data(), static_cast<std::streamsize>(weightsSize));
  if (!in) throw core::Error(path, "model file could not be read completely");
  if (crc32Of(jsonText, raw.weights) != storedCrc)
    throw core::Error(path, "model file is corrupted (checksum mismatch)");

  raw.json = nlohmann::json::parse(jsonText, nullptr, /*allow_exceptions=*/false);
  if (raw.json.is_discarded() || !raw.json.is_object())
    throw core::Error(path, "model file is corrupted (metadata is not valid JSON)");
  return raw;
}

// A lower bound on the parameters `options` builds: the convolution weights of the
// encoder blocks and the output head. Computed before building the network, so a
// crafted architecture ("channels": [1000000, ...]) cannot make us allocate
// terabytes: the weights archive must hold at least a byte per parameter.
double minimumParameterCount(const AttentionUNetOptions& options) {
  const double kernel = options.spatial_dims() == 2 ? 9.0 : 27.0;
  double previous = static_cast<double>(options.in_channels());
  double count = 0.0;
  for (const int64_t c : options.channels()) {
    count += kernel * (previous * static_cast<double>(c) + static_cast<double>(c) * static_cast<double>(c));
    previous = static_cast<double>(c);
  }
  return count + static_cast<double>(options.channels().front()) * static_cast<double>(options.num_classes());
}

}  // namespace

void ModelFile::save(const std::string& path, AttentionUNet& network, const ModelMetadata& metadata) {
  ModelMetadata meta = metadata;
  meta.architecture = network->options().toJson();
  // Channel names must match the network's inputs (else the file would not read back).
  if (static_cast<int64_t>(meta.channel_names.size()) != network->options().in_channels()) {
    meta.channel_names.clear();
    for (int64_t c = 0; c < network->options().in_channels(); ++c) meta.channel_names.push_back("channel" + std::to_string(c));
  }
  nlohmann::json document{{"format", "aunet-model"}, {"format_version", kFormatVersion}};
  document.update(meta.toJson());
  const std::string jsonText = document.dump(2);

  // Weights are saved from CPU copies so a model trained on CUDA loads anywhere.
  std::ostringstream weightsStream;
  {
    torch::serialize::OutputArchive archive;
    for (const auto& p : network->named_parameters(/*recurse=*/true))
      archive.write(p.key(), p.value().detach().to(torch::kCPU), /*is_buffer=*/false);
    for (const auto& b : network->named_buffers(/*recurse=*/true))
      archive.write(b.key(), b.value().detach().to(torch::kCPU), /*is_buffer=*/true);
    archive.save_to(weightsStream);
  }
  const std::string weights = weightsStream.str();

  std::string header(kMagic.begin(), kMagic.end());
  putU32(header, kFormatVersion);
  putU32(header, 0);
  putU64(header, jsonText.size());
  putU64(header, weights.size());
  putU32(header, crc32Of(jsonText, weights));
  putU32(header, 0);

  const std::filesystem::path final(path);
  const std::filesystem::path dir = final.has_parent_path() ? final.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw core::Error(path, "folder does not exist");
  std::mt19937_64 rng(std::random_device{}());
  const std::filesystem::path temp =
      dir / ("." + final.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rng() % 1000000));
  {
    errno = 0;
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(jsonText.data(), static_cast<std::streamsize>(jsonText.size()));
    out.write(weights.data(), static_cast<std::streamsize>(weights.size()));
    out.flush();
    out.close();
    const int error = errno;
    if (!out) {
      std::filesystem::remove(temp, ec);
      throw core::Error(path, std::string("cannot write model file: ") +
                                  (error != 0 ? std::strerror(error) : "disk full or no permission?"));
    }
  }
  core::commitTemporaryFile(temp.string(), path);
}

ModelMetadata ModelFile::readMetadata(const std::string& path) {
  return ModelMetadata::fromJson(readVerified(path).json, path);
}

LoadedModel ModelFile::load(const std::string& path, const torch::Device& device) {
  RawModel raw = readVerified(path);
  LoadedModel loaded;
  loaded.metadata = ModelMetadata::fromJson(raw.json, path);
  AttentionUNetOptions options;
  try {
    options = AttentionUNetOptions::fromJson(loaded.metadata.architecture);
    options.validate();
  } catch (const core::Error& e) {
    throw core::Error(path, std::string("invalid architecture: ") + e.what());
  }
  const double minimum = minimumParameterCount(options);
  if (minimum > static_cast<double>(raw.weights.size()))
    throw core::Error(path, "invalid architecture: it needs at least " + std::to_string(static_cast<uint64_t>(minimum)) +
                                " parameters but the weights hold only " + std::to_string(raw.weights.size()) +
                                " bytes (corrupt or crafted file)");
  loaded.network = AttentionUNet(options);
  try {
    std::istringstream weightsStream(raw.weights);
    torch::serialize::InputArchive archive;
    archive.load_from(weightsStream, torch::kCPU);
    torch::NoGradGuard noGrad;
    for (auto& p : loaded.network->named_parameters(/*recurse=*/true)) {
      torch::Tensor stored;
      if (!archive.try_read(p.key(), stored, /*is_buffer=*/false))
        throw core::Error(path, "weights do not match the architecture: parameter '" + p.key() + "' is missing");
      if (stored.sizes() != p.value().sizes())
        throw core::Error(path, "weights do not match the architecture: parameter '" + p.key() + "' has a different shape");
      p.value().copy_(stored);
    }
    for (auto& b : loaded.network->named_buffers(/*recurse=*/true)) {
      torch::Tensor stored;
      if (!archive.try_read(b.key(), stored, /*is_buffer=*/true))
        throw core::Error(path, "weights do not match the architecture: buffer '" + b.key() + "' is missing");
      if (stored.sizes() != b.value().sizes())
        throw core::Error(path, "weights do not match the architecture: buffer '" + b.key() + "' has a different shape");
      b.value().copy_(stored);
    }
  } catch (const c10::Error& e) {
    throw core::Error(path, "cannot read the weights: " + firstLine(e.what_without_backtrace()));
  } catch (const core::Error&) {
    throw;
  } catch (const std::exception& e) {
    // LibTorch's unpickler also throws plain standard exceptions on a crafted archive
    // (std::out_of_range from a map lookup: found by fuzz_model_file).
    throw core::Error(path, std::string("cannot read the weights: ") + firstLine(e.what()));
  }
  loaded.network->to(device);
  loaded.network->eval();
  return loaded;
}

}  // namespace aunet::model
