/** The placement rule's options (config.ts PlacementOptions), parsed once from config. */
export const PLACEMENT_OPTIONS = Symbol('PLACEMENT_OPTIONS');
