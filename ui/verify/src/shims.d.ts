declare module "jsonld" {
  const jsonld: {
    canonize(input: unknown, options: Record<string, unknown>): Promise<string>;
  };
  export default jsonld;
}
