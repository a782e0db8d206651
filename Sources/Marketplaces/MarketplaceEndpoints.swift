import Foundation

/// Where each marketplace's hosts are: the production URLs by default, a simulator's in tests,
/// demo mode and staging.
public struct MarketplaceEndpoints: Sendable, Equatable {
    public var wildberriesFeedbacks: URL
    public var wildberriesChat: URL
    public var ozonSeller: URL

    public init(wildberriesFeedbacks: URL = URL(string: "https://feedbacks-api.wildberries.ru")!,
                wildberriesChat: URL = URL(string: "https://buyer-chat-api.wildberries.ru")!,
                ozonSeller: URL = URL(string: "https://api-seller.ozon.ru")!) {
        self.wildberriesFeedbacks = wildberriesFeedbacks
        self.wildberriesChat = wildberriesChat
        self.ozonSeller = ozonSeller
    }
}
