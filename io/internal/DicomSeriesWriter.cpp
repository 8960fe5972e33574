#include "io/internal/DicomSeriesWriter.h"

#include <itkGDCMImageIO.h>
#include <itkImage.h>
#include <itkImageSeriesWriter.h>
#include <itkMetaDataObject.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "core/Error.h"
#include "io/internal/ItkSupport.h"

namespace aunet::io::internal {

namespace {

std::string numbers(const double* values, int count) {
  std::ostringstream s;
  s.precision(10);
  for (int i = 0; i < count; ++i) s << (i ? "\\" : "") << values[i];
  return s.str();
}

}  // namespace

std::vector<std::string> writeDicomSeries(const core::Volume& volume, const std::string& folder,
                                          const std::string& modality) {
  if (volume.empty()) throw core::Error(folder, "cannot write an empty volume as DICOM");
  if (!std::filesystem::is_directory(folder)) throw core::Error(folder, "folder does not exist");
  const core::Geometry& g = volume.geometry();
  using Image3 = itk::Image<int16_t, 3>;
  using Image2 = itk::Image<int16_t, 2>;
  auto image = Image3::New();
  applyGeometry(g, *image);
  image->Allocate();
  const float* src = volume.channel(0);
  int16_t* dst = image->GetBufferPointer();
  for (int64_t v = 0; v < g.voxelCount(); ++v) {
    const float x = src[v];
    if (!(x >= -32768.0f && x <= 32767.0f) || std::nearbyint(x) != x)
      throw core::Error(folder, "DICOM series writer: voxel " + std::to_string(v) + " (" + std::to_string(x) +
                                    ") is not a whole number in the int16 range");
    dst[v] = static_cast<int16_t>(x);
  }

  auto dicomIo = itk::GDCMImageIO::New();  // one instance: one study/series/frame UID
  using Writer = itk::ImageSeriesWriter<Image3, Image2>;
  auto writer = Writer::New();
  writer->SetInput(image);
  writer->SetImageIO(dicomIo);

  std::vector<std::string> files;
  Writer::DictionaryArrayType dictionaries;
  std::vector<std::unique_ptr<Writer::DictionaryType>> owned;
  const double orientation[6] = {g.direction[0], g.direction[3], g.direction[6],
                                 g.direction[1], g.direction[4], g.direction[7]};
  for (int64_t k = 0; k < g.size[2]; ++k) {
    char name[32];
    std::snprintf(name, sizeof name, "slice_%04lld.dcm", static_cast<long long>(k));
    files.push_back((std::filesystem::path(folder) / name).string());
    auto dict = std::make_unique<Writer::DictionaryType>();
    const core::Vec3 position = g.indexToPhysical({0.0, 0.0, static_cast<double>(k)});
    // For 2D slices GDCMImageIO takes position and orientation from these tags.
    itk::EncapsulateMetaData<std::string>(*dict, "0008|0060", modality);
    itk::EncapsulateMetaData<std::string>(*dict, "0028|0004", "MONOCHROME2");
    itk::EncapsulateMetaData<std::string>(*dict, "0020|0032", numbers(position.data(), 3));
    itk::EncapsulateMetaData<std::string>(*dict, "0020|0037", numbers(orientation, 6));
    itk::EncapsulateMetaData<std::string>(*dict, "0020|0013", std::to_string(k + 1));
    itk::EncapsulateMetaData<std::string>(*dict, "0018|0050", numbers(&g.spacing[2], 1));
    itk::EncapsulateMetaData<std::string>(*dict, "0008|103e", "aunet generated series");
    dictionaries.push_back(dict.get());
    owned.push_back(std::move(dict));
  }
  writer->SetFileNames(files);
  writer->SetMetaDataDictionaryArray(&dictionaries);
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    throw core::Error(folder, "cannot write DICOM series: " + describeItkError(e));
  }
  return files;
}

}  // namespace aunet::io::internal
