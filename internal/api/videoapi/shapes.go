package videoapi

import "sluice/internal/awsproto/shape"

// The model's shapes (kinesisvideo 2017-09-30), with its constraints.
var (
	streamName  = shape.Str().Len(1, 256).Match(`[a-zA-Z0-9_.-]+`)
	channelName = streamName
	deviceName  = shape.Str().Len(1, 128).Match(`[a-zA-Z0-9_.-]+`)
	mediaType   = shape.Str().Len(1, 128).Match(`[\w\-\.\+]+/[\w\-\.\+]+(,[\w\-\.\+]+/[\w\-\.\+]+)*`)
	kmsKeyID    = shape.Str().Len(1, 2048).Match(`.+`)
	resourceARN = shape.Str().Len(1, 1024).Match(`arn:[a-z\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+`)
	version     = shape.Str().Len(1, 64).Match(`[a-zA-Z0-9]+`)
	nextToken   = shape.Str().Len(0, 1024).Match(`[a-zA-Z0-9+/=]*`)
	tagKey      = shape.Str().Len(1, 128).Match(`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`)
	tagValue    = shape.Str().Len(0, 256).Match(`[\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
	// ResourceTags, the map form.
	resourceTags = shape.MapOf(tagKey, tagValue).Len(1, 50)
	tagList      = shape.ListOf(shape.Struct(shape.Req("Key", tagKey), shape.Req("Value", tagValue)).Named("Tag"))
	tagKeyList   = shape.ListOf(tagKey).Len(1, 50)
	hubDeviceArn = shape.Str().Len(1, 1024).Match(`arn:[a-z\d-]+:iot:[a-z0-9-]+:[0-9]+:thing/[a-zA-Z0-9_.-]+`)
	listLimit    = shape.Int().Range(1, 10000)
	configStatus = shape.Str().OneOf("ENABLED", "DISABLED")
	destURI      = shape.Str().Len(1, 255).Match(`^[a-zA-Z_0-9]+:(//)?([^/]+)/?([^*]*)$`)
	storageTier  = shape.Struct(shape.Req("DefaultStorageTier", shape.Str().OneOf("HOT", "WARM"))).Named("StreamStorageConfiguration")
	nameCond     = shape.Struct(shape.Opt("ComparisonOperator", shape.Str().OneOf("BEGINS_WITH")), shape.Opt("ComparisonValue", streamName))
)

// streamRef are the two members that name a stream.
func streamRef(more ...shape.Member) *shape.Shape {
	return shape.Struct(append([]shape.Member{shape.Opt("StreamName", streamName), shape.Opt("StreamARN", resourceARN)}, more...)...)
}

var (
	createStreamInput = shape.Struct(
		shape.Opt("DeviceName", deviceName),
		shape.Req("StreamName", streamName),
		shape.Opt("MediaType", mediaType),
		shape.Opt("KmsKeyId", kmsKeyID),
		shape.Opt("DataRetentionInHours", shape.Int().RangeMin(0)),
		shape.Opt("Tags", resourceTags),
		shape.Opt("StreamStorageConfiguration", storageTier),
	)
	describeStreamInput = streamRef()
	listStreamsInput    = shape.Struct(
		shape.Opt("MaxResults", listLimit),
		shape.Opt("NextToken", nextToken),
		shape.Opt("StreamNameCondition", nameCond.Named("StreamNameCondition")),
	)
	deleteStreamInput = shape.Struct(shape.Req("StreamARN", resourceARN), shape.Opt("CurrentVersion", version))
	updateStreamInput = shape.Struct(
		shape.Opt("StreamName", streamName), shape.Opt("StreamARN", resourceARN), shape.Req("CurrentVersion", version),
		shape.Opt("DeviceName", deviceName), shape.Opt("MediaType", mediaType),
	)
	updateDataRetentionInput = shape.Struct(
		shape.Opt("StreamName", streamName), shape.Opt("StreamARN", resourceARN), shape.Req("CurrentVersion", version),
		shape.Req("Operation", shape.Str().OneOf("INCREASE_DATA_RETENTION", "DECREASE_DATA_RETENTION")),
		shape.Req("DataRetentionChangeInHours", shape.Int().RangeMin(1)),
	)
	getDataEndpointInput = streamRef(shape.Req("APIName", shape.Str().OneOf("PUT_MEDIA", "GET_MEDIA", "LIST_FRAGMENTS",
		"GET_MEDIA_FOR_FRAGMENT_LIST", "GET_HLS_STREAMING_SESSION_URL", "GET_DASH_STREAMING_SESSION_URL", "GET_CLIP", "GET_IMAGES")))
	describeStreamStorageInput = streamRef()
	updateStreamStorageInput   = shape.Struct(
		shape.Opt("StreamName", streamName), shape.Opt("StreamARN", resourceARN), shape.Req("CurrentVersion", version),
		shape.Req("StreamStorageConfiguration", storageTier),
	)

	tagStreamInput             = shape.Struct(shape.Opt("StreamARN", resourceARN), shape.Opt("StreamName", streamName), shape.Req("Tags", resourceTags))
	untagStreamInput           = shape.Struct(shape.Opt("StreamARN", resourceARN), shape.Opt("StreamName", streamName), shape.Req("TagKeyList", tagKeyList))
	listTagsForStreamInShape   = shape.Struct(shape.Opt("NextToken", nextToken), shape.Opt("StreamARN", resourceARN), shape.Opt("StreamName", streamName))
	tagResourceInput           = shape.Struct(shape.Req("ResourceARN", resourceARN), shape.Req("Tags", tagList.Len(1, 50)))
	untagResourceInput         = shape.Struct(shape.Req("ResourceARN", resourceARN), shape.Req("TagKeyList", tagKeyList))
	listTagsForResourceInShape = shape.Struct(shape.Opt("NextToken", nextToken), shape.Req("ResourceARN", resourceARN))

	imageGenerationShape = shape.Struct(
		shape.Req("Status", configStatus),
		shape.Req("ImageSelectorType", shape.Str().OneOf("SERVER_TIMESTAMP", "PRODUCER_TIMESTAMP")),
		shape.Req("DestinationConfig", shape.Struct(
			shape.Req("Uri", destURI),
			shape.Req("DestinationRegion", shape.Str().Len(9, 14).Match(`^[a-z]+(-[a-z]+)?-[a-z]+-[0-9]$`)),
		).Named("ImageGenerationDestinationConfig")),
		shape.Req("SamplingInterval", shape.Int()),
		shape.Req("Format", shape.Str().OneOf("JPEG", "PNG")),
		shape.Opt("FormatConfig", shape.MapOf(shape.Str().OneOf("JPEGQuality"), shape.Str().Len(0, 256).Match(`^[a-zA-Z_0-9]+`)).Len(1, 1)),
		shape.Opt("WidthPixels", shape.Int().Range(1, 3840)),
		shape.Opt("HeightPixels", shape.Int().Range(1, 2160)),
	).Named("ImageGenerationConfiguration")
	describeImageGenerationInput = streamRef()
	updateImageGenerationInput   = streamRef(shape.Opt("ImageGenerationConfiguration", imageGenerationShape))

	notificationShape = shape.Struct(
		shape.Req("Status", configStatus),
		shape.Req("DestinationConfig", shape.Struct(shape.Req("Uri", destURI)).Named("NotificationDestinationConfig")),
	).Named("NotificationConfiguration")
	describeNotificationInput = streamRef()
	updateNotificationInput   = streamRef(shape.Opt("NotificationConfiguration", notificationShape))

	channelRef                   = shape.Struct(shape.Opt("ChannelName", channelName), shape.Opt("ChannelARN", resourceARN))
	describeMediaStorageInput    = channelRef
	updateMediaStorageInput      = shape.Struct(shape.Req("ChannelARN", resourceARN), shape.Req("MediaStorageConfiguration", shape.Struct(shape.Opt("StreamARN", resourceARN), shape.Req("Status", configStatus)).Named("MediaStorageConfiguration")))
	describeMappedResourceInput  = streamRef(shape.Opt("MaxResults", shape.Int().Range(1, 1)), shape.Opt("NextToken", nextToken))
	singleMasterConfiguration    = shape.Struct(shape.Opt("MessageTtlSeconds", shape.Int().Range(5, 120))).Named("SingleMasterConfiguration")
	createSignalingChannelInput  = shape.Struct(shape.Req("ChannelName", channelName), shape.Opt("ChannelType", shape.Str().OneOf("SINGLE_MASTER", "FULL_MESH")), shape.Opt("SingleMasterConfiguration", singleMasterConfiguration), shape.Opt("Tags", tagList.Len(0, 50)))
	describeSignalingChannelIn   = channelRef
	listSignalingChannelsInput   = shape.Struct(shape.Opt("MaxResults", listLimit), shape.Opt("NextToken", nextToken), shape.Opt("ChannelNameCondition", nameCond.Named("ChannelNameCondition")))
	updateSignalingChannelInput  = shape.Struct(shape.Req("ChannelARN", resourceARN), shape.Req("CurrentVersion", version), shape.Opt("SingleMasterConfiguration", singleMasterConfiguration))
	deleteSignalingChannelInput  = shape.Struct(shape.Req("ChannelARN", resourceARN), shape.Opt("CurrentVersion", version))
	getSignalingChannelEndpointI = shape.Struct(shape.Req("ChannelARN", resourceARN), shape.Opt("SingleMasterChannelEndpointConfiguration", shape.Struct(
		shape.Opt("Protocols", shape.ListOf(shape.Str().OneOf("WSS", "HTTPS", "WEBRTC")).Len(1, 5)),
		shape.Opt("Role", shape.Str().OneOf("MASTER", "VIEWER")),
	).Named("SingleMasterChannelEndpointConfiguration")))

	scheduleConfigShape = shape.Struct(
		shape.Req("ScheduleExpression", shape.Str().Len(11, 100).Match(`[^\n]{11,100}`)),
		shape.Req("DurationInSeconds", shape.Int().Range(60, 3600)),
	).Named("ScheduleConfig")
	edgeConfigShape = shape.Struct(
		shape.Req("HubDeviceArn", hubDeviceArn),
		shape.Req("RecorderConfig", shape.Struct(
			shape.Req("MediaSourceConfig", shape.Struct(
				shape.Req("MediaUriSecretArn", shape.Str().Len(20, 2048).Match(`arn:[a-z\d-]+:secretsmanager:[a-z0-9-]+:[0-9]+:secret:[a-zA-Z0-9_.-]+`)),
				shape.Req("MediaUriType", shape.Str().OneOf("RTSP_URI", "FILE_URI")),
			).Named("MediaSourceConfig")),
			shape.Opt("ScheduleConfig", scheduleConfigShape),
		).Named("RecorderConfig")),
		shape.Opt("UploaderConfig", shape.Struct(shape.Req("ScheduleConfig", scheduleConfigShape)).Named("UploaderConfig")),
		shape.Opt("DeletionConfig", shape.Struct(
			shape.Opt("EdgeRetentionInHours", shape.Int().Range(1, 720)),
			shape.Opt("LocalSizeConfig", shape.Struct(
				shape.Opt("MaxLocalMediaSizeInMB", shape.Int().Range(64, 2000000)),
				shape.Opt("StrategyOnFullSize", shape.Str().OneOf("DELETE_OLDEST_MEDIA", "DENY_NEW_MEDIA")),
			).Named("LocalSizeConfig")),
			shape.Opt("DeleteAfterUpload", shape.Bool()),
		).Named("DeletionConfig")),
	).Named("EdgeConfig")
	startEdgeInput       = streamRef(shape.Req("EdgeConfig", edgeConfigShape))
	describeEdgeInput    = streamRef()
	deleteEdgeInput      = streamRef()
	listEdgeAgentInShape = shape.Struct(shape.Req("HubDeviceArn", hubDeviceArn), shape.Opt("MaxResults", shape.Int().Range(1, 10)), shape.Opt("NextToken", nextToken))
)
