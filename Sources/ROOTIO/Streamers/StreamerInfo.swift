/// One member of a class as its TStreamerInfo describes it.
public struct StreamerElement: Sendable {
    public var elementClass: String   // TStreamerBasicType, TStreamerSTL, ...
    public var name: String
    public var title: String
    public var type: Int32
    public var size: Int32
    public var arrayLength: Int32
    public var arrayDim: Int32
    public var maxIndex: [Int32]
    public var typeName: String
}

/// A TStreamerInfo record: how one version of a class is serialised.
public struct StreamerInfo: Sendable {
    public var className: String
    public var classVersion: Int32
    public var checksum: UInt32
    public var elements: [StreamerElement]
}
