/**
 * The networks a user can choose by name: the face encoder and the feature networks the style
 * studio and the layer explorer look through. Which files they load from is the model registry's
 * business (src/main/models), not the contract's.
 */
export const networkIds = ['face', 'inception', 'mobilenet', 'vgg19'] as const
export type NetworkId = (typeof networkIds)[number]

/** The networks that can carry a style (the face encoder cannot); VGG19 only once its weights file is installed. */
export const styleNetworks = ['inception', 'mobilenet', 'vgg19'] as const satisfies readonly NetworkId[]
export type StyleNetwork = (typeof styleNetworks)[number]

export const networkLabels: Record<NetworkId, string> = { face: 'Face encoder', inception: 'InceptionV3', mobilenet: 'MobileNetV2', vgg19: 'VGG19' }

/**
 * The side images are scaled to (shorter side) before a network sees them in the explorer: the
 * face encoder's chip size, and the ImageNet size the style networks were trained at.
 */
export const networkInputSides: Record<NetworkId, number> = { face: 150, inception: 224, mobilenet: 224, vgg19: 224 }
