/**
 * The API report: every name each package entry exports, with its kind and
 * type, as TypeScript sees it from the sources. `npm run api-report` rewrites
 * etc/api-report.md; test/package/api-report.test.ts fails when the checked-in
 * report differs, so any change of the public surface shows up in review.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../", import.meta.url));

/** Package subpath → source entry, as package.json `exports` maps them to dist. */
export const ENTRIES = {
  "tamar-model-client": "src/index.ts",
  "tamar-model-client/middleware": "src/middleware.ts",
  "tamar-model-client/server": "src/server/index.ts",
} as const;

const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;

// Schema types spelled out run to pages. A long line keeps its head and gets
// the hash of its whole text: any change of the type still changes the report.
const MAX_LINE = 300;
const fit = (line: string) =>
  line.length <= MAX_LINE ? line : `${line.slice(0, MAX_LINE)}… [${line.length} chars, sha256 ${createHash("sha256").update(line).digest("hex").slice(0, 16)}]`;

const QUALIFIER = /import\("[^"]*"\)\./g;

function describe(checker: ts.TypeChecker, exported: ts.Symbol): string[] {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const name = exported.name;
  const lines: string[] = [];
  const declaration = symbol.declarations?.[0];
  if (symbol.flags & ts.SymbolFlags.Class && declaration) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    const instance = checker.getDeclaredTypeOfSymbol(symbol);
    const bases = instance.isClassOrInterface() ? checker.getBaseTypes(instance).map((base) => checker.typeToString(base)) : [];
    lines.push(`class ${name}${bases.length ? ` extends ${bases.join(", ")}` : ""}`);
    for (const signature of type.getConstructSignatures()) lines.push(`  constructor${checker.signatureToString(signature, undefined, FLAGS)}`);
    // Own members only: a base class has its own entry.
    const own = (property: ts.Symbol) => (property.declarations ?? []).some((member) => member.parent === declaration);
    for (const property of checker.getPropertiesOfType(type)) {
      if (property.name === "prototype" || !own(property)) continue;
      lines.push(`  static ${member(checker, property, declaration)}`);
    }
    for (const property of checker.getPropertiesOfType(instance)) {
      if (own(property)) lines.push(`  ${member(checker, property, declaration)}`);
    }
  } else if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias) && !(symbol.flags & ts.SymbolFlags.Value)) {
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const head = declaration ? declarationHead(name, declaration) : name;
    if (symbol.flags & ts.SymbolFlags.Interface) {
      const bases = type.isClassOrInterface() ? checker.getBaseTypes(type).map((base) => checker.typeToString(base)) : [];
      lines.push(`interface ${head}${bases.length ? ` extends ${bases.join(", ")}` : ""}`);
      for (const property of checker.getPropertiesOfType(type)) lines.push(`  ${member(checker, property, declaration!)}`);
    } else {
      lines.push(`type ${head} = ${checker.typeToString(type, declaration, FLAGS | ts.TypeFormatFlags.InTypeAlias)}`);
    }
  } else if (declaration) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    const kind = symbol.flags & ts.SymbolFlags.Function ? "function" : "const";
    if (kind === "function") {
      for (const signature of type.getCallSignatures()) lines.push(`function ${name}${checker.signatureToString(signature, undefined, FLAGS)}`);
    } else {
      lines.push(`const ${name}: ${checker.typeToString(type, undefined, FLAGS)}`);
    }
    // A value that is also a type (the enums): both halves are surface.
    if (symbol.flags & ts.SymbolFlags.TypeAlias) {
      lines.push(`type ${name} = ${checker.typeToString(checker.getDeclaredTypeOfSymbol(symbol), undefined, FLAGS | ts.TypeFormatFlags.InTypeAlias)}`);
    }
  }
  // Bare type names: TypeScript qualifies a type it cannot name from the
  // entry with its file (`import("node_modules/…").X`), which would change the
  // report whenever an unrelated edit moves a declaration.
  return lines.map((line) => fit(line.replaceAll(QUALIFIER, "")));
}

// The exported name (which may differ from the declared one) with the type parameters.
function declarationHead(name: string, declaration: ts.Declaration): string {
  const parameters = (declaration as ts.InterfaceDeclaration | ts.TypeAliasDeclaration).typeParameters?.map((parameter) => parameter.getText()).join(", ");
  return `${name}${parameters ? `<${parameters}>` : ""}`;
}

function member(checker: ts.TypeChecker, property: ts.Symbol, at: ts.Node): string {
  const declaration = property.valueDeclaration ?? property.declarations?.[0];
  const modifiers = declaration ? ts.getCombinedModifierFlags(declaration) : 0;
  if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || property.name.startsWith("#")) return `(non-public) ${property.name}`;
  const optional = property.flags & ts.SymbolFlags.Optional ? "?" : "";
  const readonly = modifiers & ts.ModifierFlags.Readonly ? "readonly " : "";
  const type = checker.getTypeOfSymbolAtLocation(property, declaration ?? at);
  // symbolToString: `[Symbol.asyncDispose]`, not the internal `__@asyncDispose@<id>` that changes with every program.
  const name = checker.symbolToString(property);
  if (property.flags & ts.SymbolFlags.Method) {
    return type.getCallSignatures().map((signature) => `${name}${optional}${checker.signatureToString(signature, undefined, FLAGS)}`).join("; ");
  }
  return `${readonly}${name}${optional}: ${checker.typeToString(type, undefined, FLAGS)}`;
}

/** The report's text. */
export function apiReport(): string {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.build.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error("tsconfig.build.json does not parse");
  const program = ts.createProgram({ rootNames: Object.values(ENTRIES).map((entry) => root + entry), options: { ...config.options, noEmit: true } });
  const checker = program.getTypeChecker();
  const out = [
    "# API report",
    "",
    "Every export of each package entry, generated by `npm run api-report` from the sources",
    "(scripts/api-report.ts). test/package/api-report.test.ts fails when this file is stale:",
    "regenerate it and let the diff show what changed in the public surface.",
  ];
  for (const [specifier, entry] of Object.entries(ENTRIES)) {
    const file = program.getSourceFile(root + entry);
    const module = file && checker.getSymbolAtLocation(file);
    if (!module) throw new Error(`${entry} is not a module`);
    const exports = checker.getExportsOfModule(module).sort((a, b) => a.name.localeCompare(b.name, "en"));
    out.push("", `## ${specifier}`, "", `${exports.length} exports.`, "", "```ts");
    for (const exported of exports) out.push(...describe(checker, exported));
    out.push("```");
  }
  return `${out.join("\n")}\n`;
}

/** Where the checked-in report lives. */
export const REPORT_PATH = `${root}etc/api-report.md`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(REPORT_PATH, apiReport());
  console.log(`wrote ${REPORT_PATH}`);
}
