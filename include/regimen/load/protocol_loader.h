#pragma once
// Loading a protocol: YAML text → ast::Protocol, with a position on every node. This stage
// checks the shape of the file (known keys, value kinds, required keys) and parses every
// expression; names and types are the checker's job. Codes: load.*, parse.*.

#include <string>

#include "regimen/common/diagnostic.h"
#include "regimen/common/source.h"
#include "regimen/protocol/ast.h"

namespace regimen {

/// The AST, when the file could be read as a protocol at all (it may still hold errors: see
/// the diagnostics). Every problem found is reported, not only the first.
Result<ast::Protocol> load_protocol(const SourceFile& source);

struct LoadedProtocolFile {
  SourceFile source;
  Result<ast::Protocol> result;
};
/// Reads and loads a file; a file that cannot be read is a `load.io` error.
LoadedProtocolFile load_protocol_file(const std::string& path);

}  // namespace regimen
