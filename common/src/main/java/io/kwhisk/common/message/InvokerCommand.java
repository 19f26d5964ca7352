package io.kwhisk.common.message;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What a controller asks of one invoker, over {@code invoker<N>} (key: the action's path). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ContainerCreation.class, name = "create"),
  @JsonSubTypes.Type(value = ContainerDeletion.class, name = "delete"),
  @JsonSubTypes.Type(value = ContainerKeepAlive.class, name = "keep-alive")
})
public sealed interface InvokerCommand
    permits ContainerCreation, ContainerDeletion, ContainerKeepAlive {}
